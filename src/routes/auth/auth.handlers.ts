import { eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import {
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  passwordPolicyViolation,
  verifyPassword,
} from "../../auth/passwords";
import {
  createSession,
  findSessionByRefreshToken,
  type IssuedRefreshToken,
  revokeAllSessions,
  revokeSession,
  rotateRefreshToken,
} from "../../auth/sessions";
import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from "../../auth/tokens";
import { audit } from "../../db/audit";
import { users } from "../../db/schema";
import { clientInfo, clientIp } from "../../lib/client-info";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { findUser } from "../users/users.handlers";
import { type User, userColumns } from "../users/users.schemas";
import type * as routes from "./auth.routes";

/** Consecutive failures that lock an account, and for how long. */
export const MAX_FAILED_LOGINS = 10;
export const LOCKOUT_SECONDS = 15 * 60;
const RATE_LIMIT_PERIOD_SECONDS = 60;

const invalidCredentials = () =>
  new ApiError("unauthorized", {
    detail: "Email or password is incorrect",
    // RFC 9110 §11.6.1: every 401 names a scheme the client can use.
    headers: { "WWW-Authenticate": 'Bearer realm="portafolio"' },
  });

const invalidRefreshToken = () =>
  new ApiError("unauthorized", {
    detail: "The refresh token is invalid, expired or revoked; sign in again",
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  });

type Account = typeof users.$inferSelect;

/** 429 while the account is locked after too many wrong passwords. */
function assertNotLocked(account: Account | undefined, now: number) {
  if (!account?.lockedUntil || Date.parse(account.lockedUntil) <= now) return;
  throw new ApiError("rate-limited", {
    detail: "Too many failed sign-ins: the account is locked for a while",
    headers: { "Retry-After": String(Math.ceil((Date.parse(account.lockedUntil) - now) / 1000)) },
  });
}

/**
 * Counts a wrong password (at sign-in, or as the current password of a change). The
 * failure that reaches the limit starts the lock and restarts the count, so after the
 * lock it takes another full run of failures to lock again. Only locking is a new
 * version of the user: counting each stranger's failed attempt as one would make an
 * admin's If-Match stale at will. SET sees the old row, so every CASE tests one count.
 */
function countFailure(c: Context, accountId: string, now: number) {
  const reachesLimit = sql`${users.failedLoginCount} + 1 >= ${MAX_FAILED_LOGINS}`;
  const at = new Date(now).toISOString();
  const lockUntil = new Date(now + LOCKOUT_SECONDS * 1000).toISOString();
  return c.var.db
    .update(users)
    .set({
      failedLoginCount: sql`case when ${reachesLimit} then 0 else ${users.failedLoginCount} + 1 end`,
      lockedUntil: sql`case when ${reachesLimit} then ${lockUntil} else ${users.lockedUntil} end`,
      version: sql`case when ${reachesLimit} then ${users.version} + 1 else ${users.version} end`,
      updatedAt: sql`case when ${reachesLimit} then ${at} else ${users.updatedAt} end`,
    })
    .where(eq(users.id, accountId));
}

async function tokenPair(c: Context, user: User, issued: IssuedRefreshToken) {
  const accessToken = await issueAccessToken(c.env, {
    userId: user.id,
    role: user.role,
    sessionId: issued.session.sessionId,
  });
  // Tokens must never sit in a cache (RFC 6749 §5.1).
  c.header("Cache-Control", "no-store");
  return {
    accessToken,
    tokenType: "Bearer" as const,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken: issued.refreshToken,
    refreshExpiresIn: issued.refreshExpiresIn,
    user,
  };
}

export const login: AppRouteHandler<typeof routes.login> = async (c) => {
  const { success } = await c.env.LOGIN_IP_LIMITER.limit({
    key: `login:${clientIp(c) ?? "unknown"}`,
  });
  if (!success) {
    throw new ApiError("rate-limited", {
      detail: "Too many sign-in attempts from this network; wait a minute",
      headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
    });
  }

  const { email, password } = c.req.valid("json");
  const db = c.var.db;
  const [account] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  const now = Date.now();

  assertNotLocked(account, now);

  // Unknown emails verify against a dummy hash, so they take as long as a wrong password.
  const valid = await verifyPassword(
    password,
    account?.passwordHash ?? (await dummyPasswordHash()),
  );
  if (!account || !valid || account.status !== "active") {
    const reason = !account ? "unknown_email" : !valid ? "wrong_password" : "disabled";
    const failure = audit(c, {
      action: "auth.login_failed",
      entityType: "user",
      entityId: account?.id ?? null,
      actorId: null,
      changes: {
        reason: { before: null, after: reason },
        ...(!account && { email: { before: null, after: email } }),
      },
    });
    if (account && !valid) {
      await db.batch([countFailure(c, account.id, now), failure]);
    } else {
      await failure;
    }
    throw invalidCredentials();
  }

  const sessionId = uuidv7();
  const [[user]] = await db.batch([
    db
      .update(users)
      .set({
        failedLoginCount: 0,
        lockedUntil: null,
        lastLoginAt: new Date(now).toISOString(),
        // Clearing a (lapsed) lock is a new version, as setting it was.
        version: sql`case when ${users.lockedUntil} is null then ${users.version} else ${users.version} + 1 end`,
        // Hashes made at a lower cost are upgraded while the password is at hand.
        ...(needsRehash(account.passwordHash) && { passwordHash: await hashPassword(password) }),
      })
      .where(eq(users.id, account.id))
      .returning(userColumns),
    audit(c, {
      action: "auth.login",
      entityType: "user",
      entityId: account.id,
      actorId: account.id,
      changes: { sessionId: { before: null, after: sessionId } },
    }),
  ]);
  const issued = await createSession(c.env.SESSIONS, account.id, sessionId, clientInfo(c));
  c.set("userId", account.id);
  return c.json(await tokenPair(c, user!, issued), Status.OK);
};

export const refresh: AppRouteHandler<typeof routes.refresh> = async (c) => {
  const { refreshToken } = c.req.valid("json");
  const kv = c.env.SESSIONS;
  const result = await rotateRefreshToken(kv, refreshToken, clientInfo(c));
  if ("failure" in result) {
    if (result.failure === "reused" && result.session) {
      await audit(c, {
        action: "auth.refresh_reuse_detected",
        entityType: "user",
        entityId: result.session.userId,
        actorId: null,
        changes: { sessionId: { before: result.session.sessionId, after: null } },
      });
    }
    throw invalidRefreshToken();
  }
  // The role may have changed since login; a disabled user gets nothing more.
  const user = await findUser(c.var.db, result.session.userId);
  if (user?.status !== "active") {
    await revokeSession(kv, result.session);
    throw invalidRefreshToken();
  }
  c.set("userId", user.id);
  return c.json(await tokenPair(c, user, result), Status.OK);
};

export const logout: AppRouteHandler<typeof routes.logout> = async (c) => {
  const { refreshToken } = c.req.valid("json");
  const session = await findSessionByRefreshToken(c.env.SESSIONS, refreshToken);
  if (session) {
    await revokeSession(c.env.SESSIONS, session);
    c.set("userId", session.userId);
  }
  return c.body(null, Status.NO_CONTENT);
};

export const logoutAll: AppRouteHandler<typeof routes.logoutAll> = async (c) => {
  await revokeAllSessions(c.env.SESSIONS, c.var.auth.userId);
  return c.body(null, Status.NO_CONTENT);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const user = await findUser(c.var.db, c.var.auth.userId);
  if (!user) throw new ApiError("not-found", { detail: "Your account no longer exists" });
  if (notModified(c, etagFor(user.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(user, Status.OK);
};

export const changePassword: AppRouteHandler<typeof routes.changePassword> = async (c) => {
  const { currentPassword, newPassword } = c.req.valid("json");
  const { userId, sessionId } = c.var.auth;
  const db = c.var.db;
  const [account] = await db.select().from(users).where(eq(users.id, userId));
  if (!account) throw new ApiError("not-found", { detail: "Your account no longer exists" });
  // A stolen access token must not become a way to guess the password: wrong current
  // passwords count towards the same lock as failed sign-ins.
  const now = Date.now();
  assertNotLocked(account, now);
  if (!(await verifyPassword(currentPassword, account.passwordHash))) {
    await db.batch([
      countFailure(c, userId, now),
      audit(c, {
        action: "user.password_change_failed",
        entityType: "user",
        entityId: userId,
        changes: { reason: { before: null, after: "wrong_current_password" } },
      }),
    ]);
    throw new ApiError("validation-error", {
      detail: "The current password is incorrect",
      errors: [{ path: "/currentPassword", message: "Incorrect password" }],
    });
  }
  const violation = passwordPolicyViolation(newPassword, account.email);
  if (violation) {
    throw new ApiError("validation-error", {
      detail: violation,
      errors: [{ path: "/newPassword", message: violation }],
    });
  }
  const changedAt = new Date(now).toISOString();
  await db.batch([
    db
      .update(users)
      .set({
        passwordHash: await hashPassword(newPassword),
        passwordChangedAt: changedAt,
        // A successful change also ends any count of wrong current passwords.
        failedLoginCount: 0,
        version: sql`${users.version} + 1`,
        updatedAt: changedAt,
      })
      .where(eq(users.id, userId)),
    audit(c, { action: "user.password_changed", entityType: "user", entityId: userId }),
  ]);
  await revokeAllSessions(c.env.SESSIONS, userId, sessionId);
  return c.body(null, Status.NO_CONTENT);
};
