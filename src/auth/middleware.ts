import { createMiddleware } from "hono/factory";
import type { UserRole } from "../db/schema";
import type { AppEnv } from "../lib/app-env";
import type { Text } from "../lib/language";
import { ApiError } from "../lib/problem";
import { currentAccess } from "./sessions";
import { type AccessClaims, verifyAccessToken } from "./tokens";

declare module "hono" {
  interface ContextVariableMap {
    /** Who is calling: set by `authenticate`. */
    auth: AccessClaims;
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

/**
 * Requires a valid access token whose session is still alive, and takes the caller's role
 * from the database, not from the token: one read on D1's primary per request is what
 * makes logout, revocation, password changes, disabling a user and a role change take
 * effect on the very next request, everywhere, without waiting for the token to expire.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
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
  let claims: AccessClaims;
  try {
    claims = await verifyAccessToken(c.env, token);
  } catch {
    throw unauthorized(
      {
        en: "The access token is invalid or expired",
        es: "El token de acceso no es válido o venció",
      },
      true,
    );
  }
  const access = await currentAccess(c.var.primaryDb, claims.userId, claims.sessionId);
  if (!access) {
    throw unauthorized(
      {
        en: "The session has ended; sign in again",
        es: "La sesión terminó; inicie sesión de nuevo",
      },
      true,
    );
  }
  c.set("auth", { ...claims, role: access.role });
  c.set("userId", claims.userId);
  await next();
});

/** 403 unless the authenticated caller has one of `roles`. Runs after `authenticate`. */
export const requireRole = (roles: readonly UserRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.var.auth.role)) {
      throw new ApiError("forbidden", {
        detail: {
          en: `This action needs one of the roles: ${roles.join(", ")}`,
          es: `Esta acción requiere uno de los roles: ${roles.join(", ")}`,
        },
      });
    }
    await next();
  });
