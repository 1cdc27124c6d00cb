import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { refusedByGuard } from "../db/request-session";
import type { UserRole } from "../db/schema";
import type { AppEnv } from "../lib/app-env";
import { decodeProtectedHeader } from "../lib/jwt";
import type { Text } from "../lib/language";
import { ApiError } from "../lib/problem";
import { currentAccess, sessionGuard } from "./sessions";
import {
  type AccessClaims,
  PASSWORD_CHANGE_TOKEN_TYPE,
  type PasswordChangeClaims,
  verifyAccessToken,
  verifyPasswordChangeToken,
} from "./tokens";

declare module "hono" {
  interface ContextVariableMap {
    /** Who is calling: set by `authenticate`. */
    auth: AccessClaims;
    /** Set instead of `auth` when the bearer is a password-change token (`POST /auth/password`). */
    passwordChange?: PasswordChangeClaims;
  }
}

// The scheme is case-insensitive (RFC 9110 §11.1); the token is b64token (RFC 6750).
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

const unauthorized = (detail: Text, tokenSent: boolean) =>
  new ApiError("unauthorized", {
    detail,
    // RFC 6750 §3: plain `Bearer` when no token came, `invalid_token` when a bad one did.
    headers: {
      "WWW-Authenticate": tokenSent ? 'Bearer error="invalid_token"' : 'Bearer realm="portafolio"',
    },
  });

const sessionEnded = () =>
  unauthorized(
    {
      en: "The session has ended; sign in again",
      es: "La sesión terminó; inicie sesión de nuevo",
    },
    true,
  );

const forbidden = (roles: readonly UserRole[]) =>
  new ApiError("forbidden", {
    detail: {
      en: `This action needs one of the roles: ${roles.join(", ")}`,
      es: `Esta acción requiere uno de los roles: ${roles.join(", ")}`,
    },
  });

const onlySetsPassword = () =>
  new ApiError("password-change-required", {
    detail: {
      en: "This token only sets a new password: POST /api/v1/auth/password",
      es: "Este token solo sirve para definir una contraseña nueva: POST /api/v1/auth/password",
    },
  });

/** The claims of a password-change token, or undefined when `token` is not a valid one. */
async function passwordChangeClaims(c: Context<AppEnv>, token: string) {
  try {
    if (decodeProtectedHeader(token).typ !== PASSWORD_CHANGE_TOKEN_TYPE) return undefined;
    return await verifyPasswordChangeToken(c.env, token);
  } catch {
    return undefined;
  }
}

/** The bearer token of the request; 401 without one. */
function bearerToken(c: Context<AppEnv>): string {
  const header = c.req.header("Authorization");
  if (header === undefined)
    throw unauthorized(
      {
        en: "Send an access token: Authorization: Bearer <token>",
        es: "Envíe un token de acceso: Authorization: Bearer <token>",
      },
      false,
    );
  const token = BEARER.exec(header)?.[1];
  if (token === undefined)
    throw unauthorized(
      {
        en: "The Authorization header is not a Bearer token",
        es: "El encabezado Authorization no es un token Bearer",
      },
      true,
    );
  return token;
}

/** The verified claims of the request's access token; 401 without a valid one. */
async function bearerClaims(c: Context<AppEnv>): Promise<AccessClaims> {
  const token = bearerToken(c);
  try {
    return await verifyAccessToken(c.env, token);
  } catch {
    if (await passwordChangeClaims(c, token)) throw onlySetsPassword();
    throw unauthorized(
      {
        en: "The access token is invalid or expired",
        es: "El token de acceso no es válido o venció",
      },
      true,
    );
  }
}

/**
 * The caller's role as the primary holds it now, in a round trip of its own (the guard is
 * dropped: this check replaces it): 401 when the session has ended, 403 when the role may
 * not call the route.
 */
async function roleNow(c: Context<AppEnv>, roles: readonly UserRole[]): Promise<UserRole> {
  c.var.d1.clearGuard();
  const { userId, sessionId } = c.var.auth;
  const access = await currentAccess(c.var.db, userId, sessionId);
  if (!access) throw sessionEnded();
  if (!roles.includes(access.role)) throw forbidden(roles);
  return access.role;
}

/**
 * Requires a valid access token whose session is still alive and whose user may call the
 * route, with the role the database holds, not the token: that is what makes logout,
 * revocation, a password change, disabling a user and a role change take effect on the
 * very next request, everywhere, without waiting for the token to expire.
 *
 * The check costs no round trip of its own: the request moves to D1's primary and its
 * first round trip carries the session guard (`sessionGuard`), which aborts it unless the
 * session is alive, the user active and the role the token's. When the guard refuses,
 * `roleNow` tells an ended session (401) from a role change, and `withAccess` runs the
 * handler again with the new role (or answers 403).
 */
export const authenticate = (roles: readonly UserRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const claims = await bearerClaims(c);
    c.set("userId", claims.userId);
    c.set("auth", claims);
    c.set("d1", c.var.primaryD1);
    c.set("db", c.var.primaryDb);
    if (roles.includes(claims.role)) c.var.d1.guardWith(sessionGuard(c.var.db, claims));
    // The token's role may not call this; the database may know better (a promotion).
    else c.set("auth", { ...claims, role: await roleNow(c, roles) });
    await next();
    // Refused before any query (a 400 from validation): the session must still be alive.
    if ((await c.var.d1.settle()) === "refused") await roleNow(c, roles);
  });

/**
 * Answers an operation sent through the app may get before its authentication has run
 * (no route: 404, 405), or that say the session has ended (401); a 5xx may come from
 * anywhere. Any other answer was given past authentication.
 */
const unproven = (status: number) =>
  status === 401 || status === 404 || status === 405 || status >= 500;

/**
 * For a route whose handler sends requests through the app with the caller's own token
 * (`POST /batch`): the first one's answer stands in for this request's own session
 * check, which then costs no round trip. An answer given past authentication proves the
 * session alive; after any other the check runs now, in a round trip of its own, and an
 * ended session is a 401 (the request it sent changed nothing: it was refused, or it
 * had no route).
 */
export async function sessionCheckedBy(
  c: Context<AppEnv>,
  roles: readonly UserRole[],
  firstAnswer: Response,
) {
  if (unproven(firstAnswer.status) && (await c.var.d1.settle()) === "refused") {
    await roleNow(c, roles);
  }
  c.var.d1.clearGuard();
}

/**
 * `authenticate(roles)`, or a password-change token (the one route that takes it: `POST
 * /auth/password`), whose claims go to `c.var.passwordChange`; the handler checks that its
 * reset is still pending in the batch that sets the password.
 */
export const authenticateOrPasswordChange = (roles: readonly UserRole[]) => {
  const authenticated = authenticate(roles);
  return createMiddleware<AppEnv>(async (c, next) => {
    const claims = await passwordChangeClaims(c, bearerToken(c));
    if (!claims) return authenticated(c, next);
    c.set("passwordChange", claims);
    c.set("userId", claims.userId);
    c.set("d1", c.var.primaryD1);
    c.set("db", c.var.primaryDb);
    await next();
  });
};

/**
 * Wraps a protected route's handler: when the session guard refused its first round trip
 * (nothing was read or written), the role is read again and the handler runs again with
 * it; an ended session is a 401, a role that may no longer call the route a 403.
 */
export const withAccess =
  <H extends (c: Context<AppEnv>) => Promise<Response> | Response>(
    roles: readonly UserRole[],
    handler: H,
  ) =>
  async (c: Context<AppEnv>): Promise<Response> => {
    for (;;) {
      try {
        const response = await handler(c);
        if ((await c.var.d1.settle()) !== "refused") return response;
      } catch (error) {
        if (!refusedByGuard(error) && (await c.var.d1.settle()) !== "refused") throw error;
      }
      c.set("auth", { ...c.var.auth, role: await roleNow(c, roles) });
    }
  };
