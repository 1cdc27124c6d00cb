import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { dropReset, matchReset, resetPending, spendReset } from "../../auth/password-reset";
import {
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  passwordPolicyViolation,
  verifyPassword,
} from "../../auth/passwords";
import {
  endSession,
  endUserSessions,
  endUserSessionsAudited,
  findRefreshToken,
  type IssuedRefreshToken,
  rotateRefreshToken,
  startSession,
} from "../../auth/sessions";
import {
  claimAttempt,
  clearAllBuckets,
  clearBucket,
  findAccount,
  rememberNetwork,
} from "../../auth/throttle";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  issueAccessToken,
  issuePasswordChangeToken,
  PASSWORD_CHANGE_TOKEN_TTL_SECONDS,
  type PasswordChangeClaims,
} from "../../auth/tokens";
import { users } from "../../db/schema";
import { clientInfo, clientIp, clientNetwork } from "../../lib/client-info";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { audit, auditIfChanged } from "../../request/audit";
import { findUser, type User, userById, userColumns } from "../../resources/users";
import type * as routes from "./auth.routes";

const RATE_LIMIT_PERIOD_SECONDS = 60;

const invalidCredentials = () =>
  new ApiError("unauthorized", {
    detail: {
      en: "Email or password is incorrect",
      es: "El correo o la contraseña no son correctos",
    },
    // RFC 9110 §11.6.1: every 401 names a scheme the client can use.
    headers: { "WWW-Authenticate": 'Bearer realm="portafolio"' },
  });

const accountGone = () =>
  new ApiError("not-found", {
    detail: { en: "Your account no longer exists", es: "Su cuenta ya no existe" },
  });

const invalidRefreshToken = () =>
  new ApiError("unauthorized", {
    detail: {
      en: "The refresh token is invalid, expired or revoked; sign in again",
      es: "El token de renovación no es válido, venció o fue revocado; inicie sesión de nuevo",
    },
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  });

/**
 * Claims a password evaluation for the account (src/auth/throttle.ts) or refuses with 429.
 * The first refusal of a window is audited: it is how a spray or a guessing run shows up.
 */
async function claimOrRefuse(c: Context, userId: string, bucket: string, now: number) {
  const claim = await claimAttempt(c.var.db, userId, bucket, now);
  if (claim.allowed) return;
  if (claim.firstRefusal) {
    await audit(c, {
      action: "auth.locked_out",
      entityType: "user",
      entityId: userId,
      actorId: null,
      changes: {
        bucket: { before: null, after: bucket },
        lockedUntil: { before: null, after: new Date(now + claim.retryAfter * 1000).toISOString() },
      },
    });
  }
  throw new ApiError("rate-limited", {
    detail: {
      en: "Too many password attempts for this account from this network; wait and retry",
      es: "Demasiados intentos de contraseña para esta cuenta desde esta red; espere y reintente",
    },
    headers: { "Retry-After": String(claim.retryAfter) },
  });
}

async function tokenPair(c: Context, user: User, issued: IssuedRefreshToken) {
  const accessToken = await issueAccessToken(c.env, {
    userId: user.id,
    role: user.role,
    sessionId: issued.sessionId,
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
  const network = clientNetwork(clientIp(c));
  const { success } = await c.env.LOGIN_IP_LIMITER.limit({ key: `login:${network}` });
  if (!success) {
    throw new ApiError("rate-limited", {
      detail: {
        en: "Too many sign-in attempts from this network; wait a minute",
        es: "Demasiados intentos de inicio de sesión desde esta red; espere un minuto",
      },
      headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
    });
  }

  const { email, password } = c.req.valid("json");
  const db = c.var.db;
  const now = Date.now();
  const account = await findAccount(db, sql`lower(${users.email}) = ${email}`, network, now);
  if (account) await claimOrRefuse(c, account.id, account.bucket, now);

  // Unknown emails verify against a dummy hash, so they take as long as a wrong password.
  const valid = await verifyPassword(
    password,
    account?.passwordHash ?? (await dummyPasswordHash()),
  );
  // Not the password: it may be a temporary one support issued.
  const temporary = account && !valid ? await matchReset(account.reset, password, now) : "no";
  if (account?.status === "active" && temporary === "usable") {
    return signInWithTemporaryPassword(c, account, now);
  }
  if (!account || !valid || account.status !== "active") {
    const reason = !account
      ? "unknown_email"
      : temporary === "used" || temporary === "expired"
        ? `temporary_password_${temporary}`
        : !valid && temporary === "no"
          ? "wrong_password"
          : "disabled";
    await audit(c, {
      action: "auth.login_failed",
      // An email no account has is the subject itself: support finds these failures by it
      // once the seller's account exists (GET /users/{id}/sign-in-status).
      ...(account
        ? { entityType: "user", entityId: account.id }
        : { entityType: "email", entityId: email }),
      actorId: null,
      changes: {
        reason: { before: null, after: reason },
        ...(!account && { email: { before: null, after: email } }),
      },
    });
    throw invalidCredentials();
  }

  const sessionId = uuidv7();
  const session = await startSession(db, c.env.SESSIONS, account.id, sessionId, clientInfo(c), now);
  const [[user]] = await db.batch([
    db
      .update(users)
      .set({
        lastLoginAt: new Date(now).toISOString(),
        // Hashes made at a lower cost are upgraded while the password is at hand.
        ...(needsRehash(account.passwordHash) && { passwordHash: await hashPassword(password) }),
      })
      .where(eq(users.id, account.id))
      .returning(userColumns),
    session.insert,
    clearBucket(db, account.id, account.bucket),
    rememberNetwork(db, account.id, network, now),
    // They know their password after all: a temporary one waiting for them goes.
    dropReset(db, account.id),
    audit(c, {
      action: "auth.login",
      entityType: "user",
      entityId: account.id,
      actorId: account.id,
      changes: { sessionId: { before: null, after: sessionId } },
    }),
  ]);
  c.set("userId", account.id);
  return c.json(await tokenPair(c, user!, session.issued), Status.OK);
};

type Account = NonNullable<Awaited<ReturnType<typeof findAccount>>>;

/**
 * A sign-in with a temporary password: it is spent (once, even when two sign-ins race),
 * and the answer is a 403 `password-change-required` with a token good only for
 * `POST /auth/password`. No session starts.
 */
async function signInWithTemporaryPassword(
  c: Context,
  account: Account,
  now: number,
): Promise<never> {
  const db = c.var.db;
  const reset = account.reset!;
  const [spent] = await db.batch([
    spendReset(db, reset, now),
    auditIfChanged(c, {
      action: "auth.temporary_password_used",
      entityType: "user",
      entityId: account.id,
      actorId: account.id,
      changes: { resetUsedAt: { before: null, after: new Date(now).toISOString() } },
    }),
    clearBucket(db, account.id, account.bucket),
  ]);
  if (spent.length === 0) throw invalidCredentials();
  c.set("userId", account.id);
  throw new ApiError("password-change-required", {
    detail: {
      en: "You signed in with a temporary password: choose a new password to continue",
      es: "Inició sesión con una contraseña temporal: elija una contraseña nueva para continuar",
    },
    extensions: {
      passwordChangeToken: await issuePasswordChangeToken(c.env, {
        userId: account.id,
        resetId: reset.id,
      }),
      expiresIn: PASSWORD_CHANGE_TOKEN_TTL_SECONDS,
    },
    headers: { "Cache-Control": "no-store" },
  });
}

export const refresh: AppRouteHandler<typeof routes.refresh> = async (c) => {
  const { refreshToken } = c.req.valid("json");
  const db = c.var.db;
  const rotation = await rotateRefreshToken<User>(
    db,
    c.env.SESSIONS,
    refreshToken,
    clientInfo(c),
    (id) => userById(db, id),
    ({ userId, sessionId }) =>
      auditIfChanged(c, {
        action: "auth.refresh",
        entityType: "user",
        entityId: userId,
        actorId: userId,
        changes: { sessionId: { before: sessionId, after: sessionId } },
      }),
  );
  if (!rotation.ok) {
    if (rotation.reused) {
      await audit(c, {
        action: "auth.refresh_reuse_detected",
        entityType: "user",
        entityId: rotation.userId ?? null,
        actorId: null,
        changes: { sessionId: { before: rotation.sessionId, after: null } },
      });
    }
    throw invalidRefreshToken();
  }
  // The rotation only succeeds for an active user; the role is read, in its batch, for the
  // new token.
  const { user } = rotation;
  if (!user) throw invalidRefreshToken();
  c.set("userId", user.id);
  return c.json(await tokenPair(c, user, rotation.issued), Status.OK);
};

export const logout: AppRouteHandler<typeof routes.logout> = async (c) => {
  const { refreshToken } = c.req.valid("json");
  const record = await findRefreshToken(c.env.SESSIONS, refreshToken);
  if (record) {
    const { userId, sessionId } = record;
    c.set("userId", userId);
    const db = c.var.db;
    // Audited only when this request ended the session (not for a repeated logout).
    await db.batch([
      endSession(db, sessionId, "logout"),
      auditIfChanged(c, {
        action: "auth.logout",
        entityType: "user",
        entityId: userId,
        changes: { sessions: { before: [sessionId], after: [] } },
      }),
    ]);
  }
  return c.body(null, Status.NO_CONTENT);
};

export const logoutAll: AppRouteHandler<typeof routes.logoutAll> = async (c) => {
  const { userId } = c.var.auth;
  await c.var.db.batch(endUserSessionsAudited(c, userId, "logout_all", "auth.logout_all"));
  return c.body(null, Status.NO_CONTENT);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const user = await findUser(c.var.db, c.var.auth.userId);
  if (!user) throw accountGone();
  if (notModified(c, etagFor(user.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(user, Status.OK);
};

const newPasswordPolicy = (newPassword: string, email: string) => {
  const violation = passwordPolicyViolation(newPassword, email);
  if (violation) {
    throw new ApiError("validation-error", {
      detail: violation,
      errors: [{ path: "/newPassword", message: violation }],
    });
  }
};

/** The columns a new password sets. */
const newPasswordColumns = async (newPassword: string, now: number) => {
  const changedAt = new Date(now).toISOString();
  return {
    passwordHash: await hashPassword(newPassword),
    passwordChangedAt: changedAt,
    version: sql`${users.version} + 1`,
    updatedAt: changedAt,
  };
};

/**
 * The end of a reset: the password a user chose after signing in with a temporary one.
 * One batch, every statement conditioned on the reset still pending (spent on a sign-in
 * within the token's 10 minutes, not replaced or completed): the new hash, every session
 * ended, the sign-in limits cleared, the reset deleted.
 */
async function completeReset(
  c: Context,
  { userId, resetId }: PasswordChangeClaims,
  newPassword: string,
) {
  const db = c.var.db;
  const now = Date.now();
  const user = await findUser(db, userId);
  if (!user) throw accountGone();
  newPasswordPolicy(newPassword, user.email);
  const pending = resetPending(userId, resetId, now);
  const [changed] = await db.batch([
    db
      .update(users)
      .set(await newPasswordColumns(newPassword, now))
      .where(and(eq(users.id, userId), eq(users.status, "active"), pending))
      .returning({ id: users.id }),
    auditIfChanged(c, {
      action: "user.password_reset_completed",
      entityType: "user",
      entityId: userId,
      changes: {
        passwordChangedAt: { before: user.passwordChangedAt, after: new Date(now).toISOString() },
      },
    }),
    endUserSessions(db, userId, "password_changed", { when: pending, now }),
    clearAllBuckets(db, userId, pending),
    dropReset(db, userId, resetId),
  ]);
  if (changed.length === 0) {
    throw new ApiError("unauthorized", {
      detail: {
        en: "This password-change token is spent or expired; sign in with the temporary password again, or ask support for a new one",
        es: "Este token para cambiar la contraseña ya se usó o venció; inicie sesión de nuevo con la contraseña temporal o pida una nueva a soporte",
      },
      headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    });
  }
  return c.body(null, Status.NO_CONTENT);
}

export const changePassword: AppRouteHandler<typeof routes.changePassword> = async (c) => {
  const { currentPassword, newPassword } = c.req.valid("json");
  const passwordChange = c.get("passwordChange");
  if (passwordChange) return completeReset(c, passwordChange, newPassword);
  if (currentPassword === undefined) {
    throw new ApiError("validation-error", {
      detail: { en: "Send your current password", es: "Envíe su contraseña actual" },
      errors: [
        {
          path: "/currentPassword",
          message: {
            en: "currentPassword is required with an access token",
            es: "currentPassword es obligatorio con un token de acceso",
          },
        },
      ],
    });
  }
  const { userId, sessionId } = c.var.auth;
  const db = c.var.db;
  const now = Date.now();
  const account = await findAccount(db, eq(users.id, userId), clientNetwork(clientIp(c)), now);
  if (!account) throw accountGone();
  // A stolen access token must not become a way to guess the password: the current
  // password is evaluated under the same limits as a sign-in.
  await claimOrRefuse(c, userId, account.bucket, now);
  if (!(await verifyPassword(currentPassword, account.passwordHash))) {
    await audit(c, {
      action: "user.password_change_failed",
      entityType: "user",
      entityId: userId,
      changes: { reason: { before: null, after: "wrong_current_password" } },
    });
    throw new ApiError("validation-error", {
      detail: {
        en: "The current password is incorrect",
        es: "La contraseña actual no es correcta",
      },
      errors: [
        {
          path: "/currentPassword",
          message: {
            en: "currentPassword is not your password",
            es: "currentPassword no es su contraseña",
          },
        },
      ],
    });
  }
  newPasswordPolicy(newPassword, account.email);
  // One batch: the new hash, and every other session ended — no window in which an old
  // session survives the change.
  await db.batch([
    db
      .update(users)
      .set(await newPasswordColumns(newPassword, now))
      .where(eq(users.id, userId)),
    endUserSessions(db, userId, "password_changed", { except: sessionId, now }),
    clearBucket(db, userId, account.bucket),
    dropReset(db, userId),
    audit(c, { action: "user.password_changed", entityType: "user", entityId: userId }),
  ]);
  return c.body(null, Status.NO_CONTENT);
};
