import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { auditEvents } from "../db/schema";
import { clientInfo } from "../lib/client-info";
import { uuidv7 } from "../lib/ids";

export type Changes = Record<string, { before: unknown; after: unknown }>;

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  changes?: Changes | null;
  /** Defaults to the request's actor (`c.var.userId`); pass null for anonymous actions. */
  actorId?: string | null;
}

function auditRow(c: Context, entry: AuditEntry): typeof auditEvents.$inferInsert {
  return {
    id: uuidv7(),
    occurredAt: new Date().toISOString(),
    actorId: entry.actorId !== undefined ? entry.actorId : (c.get("userId") ?? null),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    requestId: c.get("requestId"),
    ...clientInfo(c),
    changes: entry.changes ?? null,
  };
}

/** An audit insert to put in the same batch as the change it records. */
export const audit = (c: Context, entry: AuditEntry) =>
  c.var.db.insert(auditEvents).values(auditRow(c, entry));

/**
 * Like `audit`, but written only when the statement just before it in the batch changed
 * a row: a conditional update that lost a race (stale version, last admin) leaves no
 * audit trail of a change that did not happen. An INSERT … SELECT with a raw SELECT,
 * because Drizzle has no builder for SQLite's changes(); it lists every column of
 * audit_events in table order.
 */
export function auditIfChanged(c: Context, entry: AuditEntry) {
  const row = auditRow(c, entry);
  return c.var.db.insert(auditEvents).select(
    sql`select ${row.id}, ${row.occurredAt}, ${row.actorId}, ${row.action}, ${row.entityType},
      ${row.entityId}, ${row.requestId}, ${row.ip}, ${row.userAgent},
      ${row.changes === null ? null : JSON.stringify(row.changes)}
    where changes() > 0`,
  );
}

/** The fields of `patch` whose value differs from `before`, as {before, after}. */
export function diff<T extends Record<string, unknown>>(before: T, patch: Partial<T>): Changes {
  const changes: Changes = {};
  for (const [field, after] of Object.entries(patch)) {
    if (after !== undefined && before[field] !== after)
      changes[field] = { before: before[field], after };
  }
  return changes;
}
