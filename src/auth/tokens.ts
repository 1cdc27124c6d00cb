import { type UserRole, userRoles } from "../db/schema";
import { uuidv7 } from "../lib/ids";
import { signJwt, verifyJwt } from "../lib/jwt";
import { loadKeys } from "./keys";

/** Access tokens: ES256 JWTs of type `at+jwt` (RFC 9068), valid 15 minutes. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** Leeway for clocks that disagree between the edge and the issuer (RFC 8725 §3.10). */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface AccessClaims {
  userId: string;
  /**
   * In a verified token: the role at issue, for clients to shape their screens. On the
   * request context (`c.var.auth`): the role read from the database for this request,
   * the only one authorization uses.
   */
  role: UserRole;
  sessionId: string;
}

type TokenEnv = Pick<Env, "JWT_PRIVATE_KEY" | "JWT_PUBLIC_KEYS" | "JWT_ISSUER" | "JWT_AUDIENCE">;

/** A token of type `typ` for `userId` with our own `claims`, valid `ttl` seconds. */
async function signToken(
  env: TokenEnv,
  typ: string,
  userId: string,
  claims: Record<string, string>,
  ttl: number,
) {
  const keys = await loadKeys(env);
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { typ, kid: keys.kid },
    {
      ...claims,
      iss: env.JWT_ISSUER,
      aud: env.JWT_AUDIENCE,
      sub: userId,
      iat: now,
      nbf: now,
      exp: now + ttl,
      jti: uuidv7(),
    },
    keys.signingKey,
  );
}

export const issueAccessToken = (env: TokenEnv, claims: AccessClaims): Promise<string> =>
  signToken(
    env,
    ACCESS_TOKEN_TYPE,
    claims.userId,
    { role: claims.role, sid: claims.sessionId },
    ACCESS_TOKEN_TTL_SECONDS,
  );

/**
 * Password-change tokens: what a sign-in with a temporary password yields instead of a
 * session. Their own `typ`, so no other route accepts them (an access token must be
 * `at+jwt`); `rid` names the reset they came from, so they die with it (src/auth/password-reset.ts).
 */
export const PASSWORD_CHANGE_TOKEN_TYPE = "password-change+jwt";
export const PASSWORD_CHANGE_TOKEN_TTL_SECONDS = 10 * 60;

export interface PasswordChangeClaims {
  userId: string;
  resetId: string;
}

export const issuePasswordChangeToken = (env: TokenEnv, claims: PasswordChangeClaims) =>
  signToken(
    env,
    PASSWORD_CHANGE_TOKEN_TYPE,
    claims.userId,
    { rid: claims.resetId },
    PASSWORD_CHANGE_TOKEN_TTL_SECONDS,
  );

export async function verifyPasswordChangeToken(
  env: TokenEnv,
  token: string,
): Promise<PasswordChangeClaims> {
  const { sub, rid } = await verifiedPayload(env, token, PASSWORD_CHANGE_TOKEN_TYPE, ["rid"]);
  if (typeof sub !== "string" || typeof rid !== "string") throw new Error("malformed claims");
  return { userId: sub, resetId: rid };
}

/**
 * Tokens this isolate has already verified, until they expire. A signature check is the
 * same answer every time for the same bytes, so a seller's next request skips the ECDSA
 * work; revocation is unaffected because the session is still read on every request.
 * Bounded: the oldest entry goes first. A new deployment (e.g. a key removed) starts
 * with new isolates and an empty cache.
 */
const VERIFIED_CACHE_SIZE = 5_000;
const verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();

/**
 * Verifies an access token: ES256 only, `typ` at+jwt, a `kid` we configured, issuer,
 * audience, exp/nbf/iat with 30 s tolerance, and our own claims. Throws when anything is off.
 */
export async function verifyAccessToken(env: TokenEnv, token: string): Promise<AccessClaims> {
  const cached = verified.get(token);
  if (cached) {
    if (Date.now() / 1000 <= cached.expiresAt + CLOCK_TOLERANCE_SECONDS) return cached.claims;
    verified.delete(token);
  }
  const entry = await verifySignedToken(env, token);
  if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
  verified.set(token, entry);
  return entry.claims;
}

/** The payload of a token of type `typ` signed by one of our keys, with `claims` present. */
async function verifiedPayload(env: TokenEnv, token: string, typ: string, claims: string[]) {
  const keys = await loadKeys(env);
  return verifyJwt(token, {
    typ,
    keyFor: (kid) => keys.verificationKeys.get(kid),
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["nbf", "iat", "sub", "jti", ...claims],
  });
}

async function verifySignedToken(env: TokenEnv, token: string) {
  const { sub, sid, role, exp } = await verifiedPayload(env, token, ACCESS_TOKEN_TYPE, [
    "sid",
    "role",
  ]);
  if (typeof sub !== "string" || typeof sid !== "string" || !userRoles.includes(role as UserRole)) {
    throw new Error("malformed claims");
  }
  return {
    claims: { userId: sub, role: role as UserRole, sessionId: sid },
    expiresAt: exp as number,
  };
}
