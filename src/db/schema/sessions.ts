import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { idColumn, sqlList, timestamp } from "./columns";
import { userOwned, users } from "./users";

export const sessionEndReasons = [
  "logout",
  "logout_all",
  "password_changed",
  "user_disabled",
  "revoked_by_staff",
  "refresh_token_reused",
] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

/**
 * Sessions (refresh-token families). Their state lives in D1 because it needs
 * compare-and-swap: a rotation is `UPDATE … WHERE token_hash = <presented> AND revoked_at
 * IS NULL`, so of two concurrent refreshes only one can win, and nothing ever sets
 * `revoked_at` back to null — a revocation is final. The refresh tokens themselves are
 * looked up in KV (src/auth/sessions.ts).
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: idColumn(),
    userId: userOwned(),
    /** SHA-256 of the one current refresh token; every other token of the family is retired. */
    tokenHash: text("token_hash").notNull(),
    /** How many refresh tokens the family has had (1 at sign-in). */
    generation: integer("generation").notNull().default(1),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    revokedAt: timestamp("revoked_at"),
    revokedReason: text("revoked_reason", { enum: sessionEndReasons }),
  },
  (t) => [
    index("sessions_user_id_idx").on(t.userId, t.createdAt),
    check("sessions_generation_check", sql`${t.generation} >= 1`),
    check(
      "sessions_revoked_check",
      sql`(${t.revokedAt} is null) = (${t.revokedReason} is null) and (${t.revokedReason} is null or ${t.revokedReason} in (${sqlList(sessionEndReasons)}))`,
    ),
  ],
);

/**
 * Sign-in throttle windows, one per account and bucket: the client network (an IPv4
 * address or an IPv6 /64) for networks the account has signed in from before, `*` for
 * all other networks together. An attempt is claimed here, atomically, before any
 * password is hashed (src/auth/throttle.ts).
 */
export const signInThrottles = sqliteTable(
  "sign_in_throttles",
  {
    userId: userOwned(),
    bucket: text("bucket").notNull(),
    windowStartedAt: timestamp("window_started_at").notNull(),
    /** Attempts claimed in the window, refused ones included. */
    attempts: integer("attempts").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.bucket] }),
    check("sign_in_throttles_attempts_check", sql`${t.attempts} >= 1`),
  ],
);

/** How long a network an account signed in from counts as one of its own. */
export const KNOWN_NETWORK_DAYS = 90;

/** Networks an account has signed in from: each gets its own throttle bucket. */
export const knownNetworks = sqliteTable(
  "known_networks",
  {
    userId: userOwned(),
    network: text("network").notNull(),
    lastSignInAt: timestamp("last_sign_in_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.network] })],
);

/**
 * A temporary password support issued (POST /users/{id}/password-reset), at most one per
 * user: only its SHA-256 is kept (it is 60 random bits, not a memorable password). Signing
 * in with it stamps `used_at` and yields a token good only for setting a new password;
 * setting it deletes the row (src/auth/password-reset.ts).
 */
export const passwordResets = sqliteTable("password_resets", {
  userId: userOwned().primaryKey(),
  /** Named by the password-change token, so a token dies with the reset it came from. */
  id: text("id").notNull(),
  codeHash: text("code_hash").notNull(),
  issuedAt: timestamp("issued_at").notNull(),
  expiresAt: timestamp("expires_at").notNull(),
  issuedBy: text("issued_by").references(() => users.id, { onDelete: "set null" }),
  usedAt: timestamp("used_at"),
});
