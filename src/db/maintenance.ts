import { and, eq, gte, isNotNull, lt, lte, or, sql } from "drizzle-orm";
import { createDatabase } from "./client";
import {
  auditEvents,
  changeLogState,
  changes,
  idempotencyKeys,
  importRows,
  imports,
  KNOWN_NETWORK_DAYS,
  knownNetworks,
  passwordResets,
  sessions,
  signInThrottles,
} from "./schema";

const DAY_MS = 24 * 3600 * 1000;
/** Ended sessions stay this long, so support can still see them after the fact. */
const ENDED_SESSION_RETENTION_DAYS = 30;
/** A sign-in window lasts 15 minutes; a day later its row is certainly spent. */
const THROTTLE_RETENTION_MS = DAY_MS;
/**
 * Token refreshes are the one audit row a seller writes every 15 minutes of use (up to
 * 480,000 rows a day for 12,000 sellers, docs/availability.md): two weeks of them answer "when did this device
 * last work?"; the session row keeps its last use after that. Every other audit row stays.
 */
export const REFRESH_AUDIT_RETENTION_DAYS = 14;
/**
 * The change log behind GET /sync keeps 30 days: a device offline longer gets 410 and
 * syncs again from zero (a few pages). Device times older than this are not kept either
 * (src/lib/provenance.ts).
 */
export const CHANGE_LOG_RETENTION_DAYS = 30;

/**
 * An import's row outcomes stay 30 days after it ends (the import's own record, with its
 * counts, stays); an upload that never finished staging (its request died) goes after a day.
 */
export const IMPORT_ROWS_RETENTION_DAYS = 30;
const ABANDONED_UPLOAD_MS = DAY_MS;

/**
 * Daily housekeeping (the Worker's cron trigger), so no table grows forever: Idempotency-
 * Key records past their 7 days, sessions ended (revoked or expired) more than 30 days
 * ago, spent sign-in windows, networks not used for 90 days, expired temporary passwords,
 * token-refresh audit rows past their 14 days, change-log rows past their 30 (as a
 * prefix of the log, so a sync cursor is either whole or answered 410), the row outcomes
 * of imports ended 30 days ago and uploads abandoned while staged. One atomic batch;
 * returns how many rows of each went.
 */
export async function dailyHousekeeping(d1: D1Database, now = new Date()) {
  const db = createDatabase(d1);
  const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  const endedBefore = at(ENDED_SESSION_RETENTION_DAYS * DAY_MS);
  const logCutoff = at(CHANGE_LOG_RETENTION_DAYS * DAY_MS);
  const [keys, ended, windows, networks, resets, refreshes, , compacted, outcomes, uploads] =
    await db.batch([
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now.toISOString())),
      db
        .delete(sessions)
        .where(
          or(
            lt(sessions.expiresAt, endedBefore),
            and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, endedBefore)),
          ),
        ),
      db
        .delete(signInThrottles)
        .where(lt(signInThrottles.windowStartedAt, at(THROTTLE_RETENTION_MS))),
      db
        .delete(knownNetworks)
        .where(lt(knownNetworks.lastSignInAt, at(KNOWN_NETWORK_DAYS * DAY_MS))),
      db.delete(passwordResets).where(lt(passwordResets.expiresAt, now.toISOString())),
      db
        .delete(auditEvents)
        .where(
          and(
            eq(auditEvents.action, "auth.refresh"),
            lt(auditEvents.occurredAt, at(REFRESH_AUDIT_RETENTION_DAYS * DAY_MS)),
          ),
        ),
      // The log is compacted as a prefix: first the mark moves to just before the oldest row
      // within the retention (a cursor from before it then answers 410), then everything up
      // to it goes. Rows are in time order by seq, so that row is found walking the primary
      // key from the oldest: what is read is what goes, with no index on occurred_at.
      db
        .update(changeLogState)
        .set({
          compactedThrough: sql`max(${changeLogState.compactedThrough}, coalesce(
          (select ${changes.seq} - 1 from ${changes} where ${gte(changes.occurredAt, logCutoff)} order by ${changes.seq} limit 1),
          (select max(${changes.seq}) from ${changes}),
          0))`,
        })
        .where(eq(changeLogState.id, 1)),
      db
        .delete(changes)
        .where(
          lte(
            changes.seq,
            sql`(select ${changeLogState.compactedThrough} from ${changeLogState} where ${changeLogState.id} = 1)`,
          ),
        ),
      db
        .delete(importRows)
        .where(
          sql`${importRows.importId} in (select ${imports.id} from ${imports} where ${lt(imports.finishedAt, at(IMPORT_ROWS_RETENTION_DAYS * DAY_MS))})`,
        ),
      db
        .delete(imports)
        .where(and(eq(imports.status, "staging"), lt(imports.createdAt, at(ABANDONED_UPLOAD_MS)))),
    ]);
  return {
    idempotencyKeys: keys.meta.changes,
    sessions: ended.meta.changes,
    signInThrottles: windows.meta.changes,
    knownNetworks: networks.meta.changes,
    passwordResets: resets.meta.changes,
    refreshAuditEvents: refreshes.meta.changes,
    changes: compacted.meta.changes,
    importRows: outcomes.meta.changes,
    abandonedUploads: uploads.meta.changes,
  };
}
