import { sha256Hex, toBase64Url } from "../lib/encoding";

/**
 * Sessions (refresh-token families) in Workers KV. See docs/security.md for the design
 * and what KV's eventual consistency means for it.
 *
 *   session:<userId>:<sessionId>  → SessionRecord (also as list metadata, so listing a
 *                                   user's sessions is one KV call)
 *   refresh:<sha256(token)>       → RefreshRecord
 *
 * Refresh tokens are stored only as their SHA-256. Every refresh rotates: the session
 * remembers the hash of the one current token, and a retired token presented again
 * (reuse) revokes the whole session (RFC 9700 §4.14.2).
 */
export const SESSION_LIFETIME_SECONDS = 30 * 24 * 3600;
export const SESSION_IDLE_SECONDS = 7 * 24 * 3600;

export interface SessionRecord {
  userId: string;
  sessionId: string;
  generation: number;
  /** SHA-256 of the current refresh token; any other token of the family is retired. */
  tokenHash: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  revokedAt: string | null;
}

interface RefreshRecord {
  userId: string;
  sessionId: string;
  generation: number;
  /** The session's absolute end: no token of the family outlives it. */
  expiresAt: string;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedRefreshToken {
  session: SessionRecord;
  refreshToken: string;
  /** Seconds until the refresh token stops working (idle timeout or session end). */
  refreshExpiresIn: number;
}

export type RefreshFailure = "unknown" | "revoked" | "expired" | "reused";

const sessionKey = (userId: string, sessionId: string) => `session:${userId}:${sessionId}`;
const refreshKey = (hash: string) => `refresh:${hash}`;

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const nowIso = () => new Date().toISOString();

/** Why a session can no longer be used, or null while it is alive. */
function sessionProblem(session: SessionRecord, now: number): "revoked" | "expired" | null {
  if (session.revokedAt !== null) return "revoked";
  if (now >= seconds(session.expiresAt)) return "expired";
  if (now - seconds(session.lastUsedAt) > SESSION_IDLE_SECONDS) return "expired";
  return null;
}

/**
 * Session and refresh records live until the session's absolute end, even once revoked
 * or retired: a revoked or retired record is what turns a replayed token into a 401
 * instead of a fresh start. KV needs at least 60 s of life.
 */
const until = (expiresAt: string) => ({
  expiration: Math.max(seconds(expiresAt), Math.floor(Date.now() / 1000) + 60),
});

async function putSession(kv: KVNamespace, session: SessionRecord): Promise<void> {
  await kv.put(sessionKey(session.userId, session.sessionId), JSON.stringify(session), {
    ...until(session.expiresAt),
    metadata: session,
  });
}

async function issueRefreshToken(
  kv: KVNamespace,
  session: Omit<SessionRecord, "tokenHash">,
): Promise<IssuedRefreshToken> {
  const refreshToken = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const tokenHash = await sha256Hex(refreshToken);
  const record: SessionRecord = { ...session, tokenHash };
  const refreshRecord: RefreshRecord = {
    userId: session.userId,
    sessionId: session.sessionId,
    generation: session.generation,
    expiresAt: session.expiresAt,
  };
  await Promise.all([
    kv.put(refreshKey(tokenHash), JSON.stringify(refreshRecord), until(session.expiresAt)),
    putSession(kv, record),
  ]);
  const now = Math.floor(Date.now() / 1000);
  const refreshExpiresIn = Math.min(SESSION_IDLE_SECONDS, seconds(session.expiresAt) - now);
  return { session: record, refreshToken, refreshExpiresIn };
}

export async function createSession(
  kv: KVNamespace,
  userId: string,
  sessionId: string,
  client: ClientInfo,
): Promise<IssuedRefreshToken> {
  const now = nowIso();
  return issueRefreshToken(kv, {
    userId,
    sessionId,
    generation: 1,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_SECONDS * 1000).toISOString(),
    ip: client.ip,
    userAgent: client.userAgent,
    revokedAt: null,
  });
}

export async function getSession(
  kv: KVNamespace,
  userId: string,
  sessionId: string,
): Promise<SessionRecord | null> {
  return kv.get<SessionRecord>(sessionKey(userId, sessionId), "json");
}

/** The session behind an access token, if it is still alive (one KV read). */
export async function getLiveSession(
  kv: KVNamespace,
  userId: string,
  sessionId: string,
): Promise<SessionRecord | null> {
  const session = await getSession(kv, userId, sessionId);
  if (!session || sessionProblem(session, Math.floor(Date.now() / 1000)) !== null) return null;
  return session;
}

/**
 * Exchanges a refresh token for a new one. A token that is not the session's current one
 * is a reuse: the session is revoked, which also stops its access tokens.
 */
export async function rotateRefreshToken(
  kv: KVNamespace,
  refreshToken: string,
  client: ClientInfo,
): Promise<IssuedRefreshToken | { failure: RefreshFailure; session?: SessionRecord }> {
  const tokenHash = await sha256Hex(refreshToken);
  const record = await kv.get<RefreshRecord>(refreshKey(tokenHash), "json");
  if (!record) return { failure: "unknown" };
  const session = await getSession(kv, record.userId, record.sessionId);
  if (!session) return { failure: "unknown" };
  const problem = sessionProblem(session, Math.floor(Date.now() / 1000));
  if (problem) return { failure: problem, session };
  if (session.tokenHash !== tokenHash || session.generation !== record.generation) {
    await putSession(kv, { ...session, revokedAt: nowIso() });
    return { failure: "reused", session };
  }
  const { tokenHash: _retired, ...rest } = session;
  return issueRefreshToken(kv, {
    ...rest,
    generation: session.generation + 1,
    lastUsedAt: nowIso(),
    ip: client.ip ?? session.ip,
    userAgent: client.userAgent ?? session.userAgent,
  });
}

/** The session a refresh token belongs to (for logout), whatever its state. */
export async function findSessionByRefreshToken(
  kv: KVNamespace,
  refreshToken: string,
): Promise<SessionRecord | null> {
  const record = await kv.get<RefreshRecord>(refreshKey(await sha256Hex(refreshToken)), "json");
  return record ? getSession(kv, record.userId, record.sessionId) : null;
}

export async function revokeSession(kv: KVNamespace, session: SessionRecord): Promise<void> {
  if (session.revokedAt === null) await putSession(kv, { ...session, revokedAt: nowIso() });
}

/** A user's sessions from one KV list call (the records ride along as metadata). */
export async function listSessions(kv: KVNamespace, userId: string): Promise<SessionRecord[]> {
  const sessions: SessionRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<SessionRecord> = await kv.list<SessionRecord>({
      prefix: `session:${userId}:`,
      ...(cursor !== undefined && { cursor }),
    });
    for (const key of page.keys) if (key.metadata) sessions.push(key.metadata);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor !== undefined);
  return sessions;
}

export async function listLiveSessions(kv: KVNamespace, userId: string): Promise<SessionRecord[]> {
  const now = Math.floor(Date.now() / 1000);
  return (await listSessions(kv, userId)).filter((s) => sessionProblem(s, now) === null);
}

/** Revokes every live session of a user but `keepSessionId`; returns how many. */
export async function revokeAllSessions(
  kv: KVNamespace,
  userId: string,
  keepSessionId?: string,
): Promise<number> {
  const doomed = (await listLiveSessions(kv, userId)).filter((s) => s.sessionId !== keepSessionId);
  await Promise.all(doomed.map((session) => revokeSession(kv, session)));
  return doomed.length;
}
