import { and, eq, gt, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { passwordResets } from "../db/schema";
import { sha256Hex } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { PASSWORD_CHANGE_TOKEN_TTL_SECONDS } from "./tokens";

/**
 * Temporary passwords, support's way to get a seller back in (docs/security.md, "Password
 * reset"): an admin or support member issues one (`POST /users/{id}/password-reset`); it is
 * shown once, valid for an hour, and every session of the user ends. Signing in with it
 * starts no session: it yields a password-change token (src/auth/tokens.ts), good only for
 * `POST /auth/password`, which sets the new password and deletes the reset.
 *
 * Twelve characters of an alphabet without look-alikes (no 0/O, 1/I/L), read out over a
 * phone as three groups: 31¹² ≈ 2⁵⁹ possibilities, guessed under the same sign-in limits
 * as a password (10 per 15 minutes per bucket). Random, so a SHA-256 is enough to store.
 */
export const TEMPORARY_PASSWORD_TTL_SECONDS = 60 * 60;
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const GROUPS = 3;
const GROUP_LENGTH = 4;

export function newTemporaryPassword(): string {
  const chars: string[] = [];
  while (chars.length < GROUPS * GROUP_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      // Rejection sampling: bytes past the last whole multiple of the alphabet would bias it.
      if (byte < 256 - (256 % ALPHABET.length) && chars.length < GROUPS * GROUP_LENGTH) {
        chars.push(ALPHABET[byte % ALPHABET.length]!);
      }
    }
  }
  return Array.from({ length: GROUPS }, (_, i) =>
    chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(""),
  ).join("-");
}

/** As typed: any case, with or without the dashes and spaces. */
export const temporaryPasswordHash = (typed: string) =>
  sha256Hex(typed.toUpperCase().replace(/[\s-]/g, ""));

const iso = (ms: number) => new Date(ms).toISOString();

/** Issues a temporary password for `userId`, replacing any earlier one (a statement for the batch). */
export async function issueReset(db: Database, userId: string, issuedBy: string, now: number) {
  const temporaryPassword = newTemporaryPassword();
  const row = {
    userId,
    id: uuidv7(),
    codeHash: await temporaryPasswordHash(temporaryPassword),
    issuedAt: iso(now),
    expiresAt: iso(now + TEMPORARY_PASSWORD_TTL_SECONDS * 1000),
    issuedBy,
    usedAt: null,
  };
  const upsert = db
    .insert(passwordResets)
    .values(row)
    .onConflictDoUpdate({ target: passwordResets.userId, set: row });
  return { upsert, temporaryPassword, expiresAt: row.expiresAt };
}

export type ResetRow = typeof passwordResets.$inferSelect;

/** What a typed password is to a user's pending reset, if it is theirs. */
export async function matchReset(
  reset: ResetRow | null,
  typed: string,
  now: number,
): Promise<"usable" | "used" | "expired" | "no"> {
  if (!reset || reset.codeHash !== (await temporaryPasswordHash(typed))) return "no";
  if (reset.usedAt !== null) return "used";
  return Date.parse(reset.expiresAt) > now ? "usable" : "expired";
}

/**
 * Spends a reset on a sign-in, once: a compare-and-swap on `used_at`, so of two sign-ins
 * with it at once only one gets a password-change token. Returns the reset id when it won.
 */
export const spendReset = (db: Database, reset: ResetRow, now: number) =>
  db
    .update(passwordResets)
    .set({ usedAt: iso(now) })
    .where(
      and(
        eq(passwordResets.userId, reset.userId),
        eq(passwordResets.id, reset.id),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, iso(now)),
      ),
    )
    .returning({ id: passwordResets.id });

/**
 * True, as a batch runs, while the reset a password-change token names is still pending:
 * spent on a sign-in less than a token's lifetime ago, neither replaced by a newer one nor
 * completed. Every statement of the password change is conditioned on it.
 */
export const resetPending = (userId: string, resetId: string, now: number): SQL =>
  sql`exists (select 1 from ${passwordResets} where ${and(
    eq(passwordResets.userId, userId),
    eq(passwordResets.id, resetId),
    isNotNull(passwordResets.usedAt),
    gt(passwordResets.usedAt, iso(now - PASSWORD_CHANGE_TOKEN_TTL_SECONDS * 1000)),
  )})`;

/**
 * Deletes a user's reset (a statement for the batch): the one `resetId` names once it is
 * completed, or whichever is pending once the user set a password of their own.
 */
export const dropReset = (db: Database, userId: string, resetId?: string) =>
  db
    .delete(passwordResets)
    .where(
      and(
        eq(passwordResets.userId, userId),
        resetId === undefined ? undefined : eq(passwordResets.id, resetId),
      ),
    );
