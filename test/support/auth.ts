import { hashPassword } from "../../src/auth/passwords";
import type { UserRole } from "../../src/db/schema";
import { users } from "../../src/db/schema";
import { uuidv7 } from "../../src/lib/ids";
import { db } from "./factories";
import { call, jsonBody } from "./http";

export const PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

/**
 * A client IP no other call in this test file gets, so per-network limits bite only where
 * a test wants them: counted, not random. (The per-IP limiter may be shared across test
 * files, so each file starts its count at a different place.)
 */
let ipCount = crypto.getRandomValues(new Uint32Array(1))[0]! % 2 ** 20;
export const freshIp = () => {
  ipCount = (ipCount + 1) % 2 ** 24;
  return `10.${ipCount >> 16}.${(ipCount >> 8) & 0xff}.${ipCount & 0xff}`;
};

/**
 * Waits, when needed, so that the next ~20 s fall inside one window of the local
 * `[[ratelimits]]` binding: it counts in fixed 60 s windows of the real clock, and a test
 * that straddles a window's end would see its count restart.
 */
export async function inOneRateLimitWindow() {
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindow));
}

export async function createUser(
  overrides: Partial<typeof users.$inferInsert> & { role?: UserRole } = {},
) {
  passwordHash ??= hashPassword(PASSWORD);
  const now = new Date().toISOString();
  const id = uuidv7();
  const row = {
    id,
    email: `user-${id}@example.co`,
    firstName: "Ana",
    lastName: "Gómez",
    role: "seller" as const,
    passwordHash: await passwordHash,
    passwordChangedAt: now,
    ...overrides,
  };
  await db().insert(users).values(row);
  return row;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  refreshExpiresIn: number;
  user: { id: string; role: string; email: string; version: number };
}

export function login(email: string, password = PASSWORD, ip = freshIp()) {
  return call(
    "/api/v1/auth/login",
    jsonBody({ email, password }, { headers: { "CF-Connecting-IP": ip } }),
  );
}

export async function signIn(email: string, password = PASSWORD): Promise<TokenPair> {
  const response = await login(email, password);
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenPair;
}

/** A new user of `role`, signed in. */
export async function actor(
  role: UserRole = "seller",
  overrides: Partial<typeof users.$inferInsert> = {},
) {
  const user = await createUser({ role, ...overrides });
  const tokens = await signIn(user.email);
  return { user, tokens, headers: bearer(tokens.accessToken) };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function refresh(refreshToken: string) {
  return call("/api/v1/auth/refresh", jsonBody({ refreshToken }));
}

export const me = (token: string) => call("/api/v1/auth/me", { headers: bearer(token) });
