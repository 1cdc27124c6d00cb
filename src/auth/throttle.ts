import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  KNOWN_NETWORK_DAYS,
  knownNetworks,
  passwordResets,
  signInThrottles,
  users,
} from "../db/schema";

/**
 * Sign-in throttling that an attacker cannot turn against the account's owner
 * (docs/security.md, "Sign-in throttling"). Every password evaluation — a sign-in, or the
 * current password of a change — first claims an attempt in a bucket of the account:
 *
 * - the client's network (src/lib/client-info.ts `clientNetwork`) when the account has
 *   signed in from it within KNOWN_NETWORK_DAYS: the owner's own networks;
 * - `*`, shared by every other network, where a stranger's guesses land.
 *
 * A bucket allows ATTEMPTS_PER_WINDOW claims per WINDOW_SECONDS; a claim is one atomic
 * upsert, so however requests interleave at most that many passwords are hashed. A
 * success empties its bucket. Guesses from strangers fill `*`, never the owner's buckets.
 */
export const ATTEMPTS_PER_WINDOW = 10;
export const WINDOW_SECONDS = 15 * 60;
export const OTHER_NETWORKS = "*";

const iso = (ms: number) => new Date(ms).toISOString();

/** The bucket for an account on `network`, given when it last signed in from there. */
function bucketFor(network: string, lastSignInFromNetwork: string | null, now: number) {
  const known =
    lastSignInFromNetwork !== null &&
    Date.parse(lastSignInFromNetwork) > now - KNOWN_NETWORK_DAYS * 24 * 3600 * 1000;
  return known ? network : OTHER_NETWORKS;
}

/**
 * The account matching `where` (password hash included, for the caller to verify), its
 * pending temporary password if any, and the bucket its attempts from `network` go to:
 * one query.
 */
export async function findAccount(db: Database, where: SQL, network: string, now = Date.now()) {
  const [row] = await db
    .select({
      account: users,
      reset: passwordResets,
      lastSignInFromNetwork: knownNetworks.lastSignInAt,
    })
    .from(users)
    .leftJoin(
      knownNetworks,
      and(eq(knownNetworks.userId, users.id), eq(knownNetworks.network, network)),
    )
    .leftJoin(passwordResets, eq(passwordResets.userId, users.id))
    .where(where);
  return (
    row && {
      ...row.account,
      reset: row.reset,
      bucket: bucketFor(network, row.lastSignInFromNetwork, now),
    }
  );
}

export interface Claim {
  allowed: boolean;
  /** The first refusal of a window: worth an alert (a spray or a guessing run). */
  firstRefusal: boolean;
  /** Seconds until the bucket's window ends. */
  retryAfter: number;
}

/** Claims one password evaluation in a bucket: one atomic upsert, one round trip. */
export async function claimAttempt(
  db: Database,
  userId: string,
  bucket: string,
  now = Date.now(),
): Promise<Claim> {
  const windowOver = sql`${signInThrottles.windowStartedAt} <= ${iso(now - WINDOW_SECONDS * 1000)}`;
  const [claimed] = await db
    .insert(signInThrottles)
    .values({ userId, bucket, windowStartedAt: iso(now), attempts: 1 })
    .onConflictDoUpdate({
      target: [signInThrottles.userId, signInThrottles.bucket],
      // SET sees the row as it was, so both CASEs test the same window.
      set: {
        attempts: sql`case when ${windowOver} then 1 else ${signInThrottles.attempts} + 1 end`,
        windowStartedAt: sql`case when ${windowOver} then ${iso(now)} else ${signInThrottles.windowStartedAt} end`,
      },
    })
    .returning({
      attempts: signInThrottles.attempts,
      windowStartedAt: signInThrottles.windowStartedAt,
    });
  const { attempts, windowStartedAt } = claimed!;
  const windowEnds = Date.parse(windowStartedAt) + WINDOW_SECONDS * 1000;
  return {
    allowed: attempts <= ATTEMPTS_PER_WINDOW,
    firstRefusal: attempts === ATTEMPTS_PER_WINDOW + 1,
    retryAfter: Math.max(1, Math.ceil((windowEnds - now) / 1000)),
  };
}

/** After a correct password: the bucket starts over (a statement for the caller's batch). */
export const clearBucket = (db: Database, userId: string, bucket: string) =>
  db
    .delete(signInThrottles)
    .where(and(eq(signInThrottles.userId, userId), eq(signInThrottles.bucket, bucket)));

/** Every bucket of an account starts over (support's unlock; a new password), `when` that holds. */
export const clearAllBuckets = (db: Database, userId: string, when?: SQL) =>
  db.delete(signInThrottles).where(and(eq(signInThrottles.userId, userId), when));

/** After a successful sign-in: `network` is one of the account's own from now on. */
export const rememberNetwork = (db: Database, userId: string, network: string, now = Date.now()) =>
  db
    .insert(knownNetworks)
    .values({ userId, network, lastSignInAt: iso(now) })
    .onConflictDoUpdate({
      target: [knownNetworks.userId, knownNetworks.network],
      set: { lastSignInAt: iso(now) },
    });
