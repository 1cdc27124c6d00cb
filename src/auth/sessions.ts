import {
  and,
  desc,
  eq,
  fillPlaceholders,
  gte,
  isNull,
  ne,
  notInArray,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import type { Database } from "../db/client";
import type { GuardStatements } from "../db/request-session";
import { type SessionEndReason, sessions, type UserRole, users } from "../db/schema";
import { sha256Hex } from "../lib/encoding";
import { base64url } from "../lib/jwt";
import { audit, type Changes } from "../request/audit";

/**
 * Sessions (refresh-token families), split by what each store does well:
 *
 * - **D1 holds the state** (`sessions`): the hash of the one current refresh token,
 *   lifetimes, revocation. Every change is a conditional UPDATE on the primary, so a
 *   rotation is a compare-and-swap and a revocation can never be undone.
 * - **KV holds the refresh tokens** (`refresh:<sha256(token)>` → user and session id):
 *   written once when the token is issued, never changed, so KV's eventual consistency
 *   and lack of compare-and-swap cannot lose or resurrect anything. It turns a token into
 *   its session at the edge; an unknown token never costs a D1 query.
 *
 * Only SHA-256 hashes of refresh tokens are stored. A token that is not its session's
 * current one is a reuse: the whole family ends (RFC 9700 §4.14.2). See docs/security.md.
 */
export const SESSION_LIFETIME_SECONDS = 30 * 24 * 3600;
export const SESSION_IDLE_SECONDS = 7 * 24 * 3600;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

interface RefreshRecord {
  userId: string;
  sessionId: string;
  /** The session's absolute end, which never changes. */
  expiresAt: string;
}

export interface IssuedRefreshToken {
  sessionId: string;
  refreshToken: string;
  /** Seconds until the refresh token stops working (idle timeout or session end). */
  refreshExpiresIn: number;
}

const refreshKey = (hash: string) => `refresh:${hash}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** A session that may still be used at `now`: not revoked, not past its end, not idle. */
const alive = (now: number) => aliveAt(iso(now), iso(now - SESSION_IDLE_SECONDS * 1000));

/** `alive` as of `now`, for a session last used no earlier than `idleSince` (values or placeholders). */
const aliveAt = (now: string | SQLWrapper, idleSince: string | SQLWrapper) =>
  and(
    isNull(sessions.revokedAt),
    sql`${sessions.expiresAt} > ${now}`,
    gte(sessions.lastUsedAt, idleSince),
  );

/**
 * A new refresh token and its KV record. Records live until the session's end (KV needs
 * at least 60 s), so a retired token presented later is still recognised as reuse.
 */
async function newRefreshToken(kv: KVNamespace, record: RefreshRecord, now: number) {
  const refreshToken = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const tokenHash = await sha256Hex(refreshToken);
  const end = Math.floor(Date.parse(record.expiresAt) / 1000);
  const stored = kv.put(refreshKey(tokenHash), JSON.stringify(record), {
    expiration: Math.max(end, Math.floor(now / 1000) + 60),
  });
  const refreshExpiresIn = Math.min(SESSION_IDLE_SECONDS, end - Math.floor(now / 1000));
  return { refreshToken, tokenHash, refreshExpiresIn, stored };
}

/**
 * Starts a session: the refresh token is in KV when this returns; the session row is the
 * returned INSERT, for the caller to put in the same batch as the sign-in it belongs to
 * (a token is handed out only once both are stored).
 */
export async function startSession(
  db: Database,
  kv: KVNamespace,
  userId: string,
  sessionId: string,
  client: ClientInfo,
  now = Date.now(),
) {
  const expiresAt = iso(now + SESSION_LIFETIME_SECONDS * 1000);
  const { tokenHash, stored, ...issued } = await newRefreshToken(
    kv,
    { userId, sessionId, expiresAt },
    now,
  );
  await stored;
  const insert = db.insert(sessions).values({
    id: sessionId,
    userId,
    tokenHash,
    generation: 1,
    createdAt: iso(now),
    lastUsedAt: iso(now),
    expiresAt,
    ip: client.ip,
    userAgent: client.userAgent,
  });
  return { insert, issued: { sessionId, ...issued } satisfies IssuedRefreshToken };
}

/** The user and session a refresh token was issued for, whatever the session's state. */
export async function findRefreshToken(
  kv: KVNamespace,
  refreshToken: string,
): Promise<RefreshRecord | null> {
  return kv.get<RefreshRecord>(refreshKey(await sha256Hex(refreshToken)), "json");
}

export type Rotation<User> =
  | { ok: true; userId: string; issued: IssuedRefreshToken; user: User | undefined }
  | { ok: false; reused: boolean; userId?: string; sessionId?: string };

/**
 * Exchanges a refresh token for the next one of its family, in one D1 batch:
 * 1. a compare-and-swap that moves the session from the presented token to the new one,
 *    only while the presented token is current, the session alive and its user active;
 * 2. when the presented token is a retired one (neither current nor the new one), the
 *    session ends as `refresh_token_reused`;
 * 3. `readUser`: the user the new access token is for, as the swap left them.
 * `audited(record)` goes right after the swap: an audit row written only when it applied.
 * Of N concurrent refreshes of one token, one swap wins; the others find a token they
 * did not present and end the family, the winner's new token included.
 */
export async function rotateRefreshToken<User>(
  db: Database,
  kv: KVNamespace,
  refreshToken: string,
  client: ClientInfo,
  readUser: (userId: string) => BatchItem<"sqlite"> & PromiseLike<User[]>,
  audited: (record: { userId: string; sessionId: string }) => BatchItem<"sqlite">,
  now = Date.now(),
): Promise<Rotation<User>> {
  const presented = await sha256Hex(refreshToken);
  const record = await kv.get<RefreshRecord>(refreshKey(presented), "json");
  if (!record) return { ok: false, reused: false };
  const { tokenHash, stored, ...issued } = await newRefreshToken(kv, record, now);
  // KV and D1 are written side by side. The new token is returned only when both
  // succeeded; if the KV write failed after the swap, the session points at a token nobody
  // holds and the client's retry with the old one ends it: it can be lost, never revived.
  const [, [swapped, , reused, [user]]] = await Promise.all([
    stored,
    db.batch([
      db
        .update(sessions)
        .set({
          tokenHash,
          generation: sql`${sessions.generation} + 1`,
          lastUsedAt: iso(now),
          ip: client.ip ?? sql`${sessions.ip}`,
          userAgent: client.userAgent ?? sql`${sessions.userAgent}`,
        })
        .where(
          and(
            eq(sessions.id, record.sessionId),
            eq(sessions.tokenHash, presented),
            alive(now),
            sql`exists (select 1 from ${users} where ${users.id} = ${sessions.userId} and ${users.status} = 'active')`,
          ),
        )
        .returning({ id: sessions.id }),
      audited(record),
      db
        .update(sessions)
        .set({ revokedAt: iso(now), revokedReason: "refresh_token_reused" })
        .where(
          and(
            eq(sessions.id, record.sessionId),
            isNull(sessions.revokedAt),
            notInArray(sessions.tokenHash, [presented, tokenHash]),
          ),
        )
        .returning({ id: sessions.id }),
      readUser(record.userId),
    ]) as Promise<[{ id: string }[], unknown, { id: string }[], User[]]>,
  ]);
  if (swapped.length === 1) {
    return {
      ok: true,
      userId: record.userId,
      issued: { sessionId: record.sessionId, ...issued },
      user,
    };
  }
  return {
    ok: false,
    reused: reused.length === 1,
    userId: record.userId,
    sessionId: record.sessionId,
  };
}

/**
 * The caller's role while their session is alive and their user active (no row otherwise),
 * with placeholders for who and when: its SQL is the same on every request.
 */
const accessQuery = (db: Database) =>
  db
    .select({ role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder("sessionId")),
        eq(sessions.userId, sql.placeholder("userId")),
        aliveAt(sql.placeholder("now"), sql.placeholder("idleSince")),
        eq(users.status, "active"),
      ),
    );

const accessValues = (userId: string, sessionId: string, now: number) => ({
  userId,
  sessionId,
  now: iso(now),
  idleSince: iso(now - SESSION_IDLE_SECONDS * 1000),
});

/**
 * What an access token may do now, read from D1's primary: the user's current role, or
 * null when the session has ended (revoked, expired, idle) or the user is disabled. One
 * query, one round trip: taken when the session guard refuses, to tell a role change from
 * an ended session, and when a token's role may not call a route.
 */
export async function currentAccess(
  db: Database,
  userId: string,
  sessionId: string,
  now = Date.now(),
): Promise<{ role: UserRole } | null> {
  const [row] = await accessQuery(db)
    .prepare()
    .all(accessValues(userId, sessionId, now));
  return row ?? null;
}

/** `accessQuery` rendered once per isolate: building SQL costs more than binding it. */
let renderedAccess: { sql: string; params: unknown[] } | undefined;

/**
 * The session guard of an authenticated request: it passes while the session is alive,
 * the user active and their role the one the token names. It rides the request's first
 * round trip on the primary (src/db/request-session.ts), so the check that makes a
 * revocation final costs nothing of its own. A round trip that only reads carries
 * `currentAccess`'s query; one that writes carries an INSERT into the `session_guard`
 * view, whose trigger aborts the whole batch (migrations/0003_session_guard.sql).
 */
export function sessionGuard(
  db: Database,
  claims: { userId: string; sessionId: string; role: UserRole },
  now = Date.now(),
): GuardStatements {
  renderedAccess ??= accessQuery(db).toSQL();
  return {
    check: {
      query: renderedAccess.sql,
      params: fillPlaceholders(
        renderedAccess.params,
        accessValues(claims.userId, claims.sessionId, now),
      ),
      passes: (rows) => (rows[0] as { role?: unknown } | undefined)?.role === claims.role,
    },
    abort: {
      query:
        "insert into session_guard (session_id, user_id, role, now, idle_since) values (?, ?, ?, ?, ?)",
      params: [
        claims.sessionId,
        claims.userId,
        claims.role,
        iso(now),
        iso(now - SESSION_IDLE_SECONDS * 1000),
      ],
    },
  };
}

/** Ends one session (a statement for the caller's batch; returns the id when it applied). */
export const endSession = (
  db: Database,
  sessionId: string,
  reason: SessionEndReason,
  now = Date.now(),
) =>
  db
    .update(sessions)
    .set({ revokedAt: iso(now), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });

/**
 * Ends every live session of a user (a statement for the caller's batch; returns the ids
 * it ended): all but `except`, and only `when` that condition holds as the batch runs.
 */
export const endUserSessions = (
  db: Database,
  userId: string,
  reason: SessionEndReason,
  { except, when, now = Date.now() }: { except?: string; when?: SQL; now?: number } = {},
) =>
  db
    .update(sessions)
    .set({ revokedAt: iso(now), revokedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        except === undefined ? undefined : ne(sessions.id, except),
        when,
      ),
    )
    .returning({ id: sessions.id });

/**
 * Ends every live session of a user, with its audit row (statements for the caller's
 * batch). The row comes first and reads, as the batch runs, the sessions about to end:
 * `changes.sessions` is `{before: [their ids], after: []}`, beside any `changes` given.
 */
export function endUserSessionsAudited(
  c: Context,
  userId: string,
  reason: SessionEndReason,
  action: string,
  changes: Changes = {},
) {
  const ending = sql`json_object('before', (select json_group_array(${sessions.id}) from ${sessions} where ${and(
    eq(sessions.userId, userId),
    isNull(sessions.revokedAt),
  )}), 'after', json('[]'))`;
  return [
    audit(c, {
      action,
      entityType: "user",
      entityId: userId,
      changes: { ...changes, sessions: ending },
    }),
    endUserSessions(c.var.db, userId, reason),
  ] as const;
}

/** A user's live sessions, newest first. */
export const liveSessions = (db: Database, userId: string, now = Date.now()) =>
  db
    .select({
      sessionId: sessions.id,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), alive(now)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id));
