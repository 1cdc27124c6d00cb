import { is, SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import { clientInfo } from "../lib/client-info";
import { uuidv7 } from "../lib/ids";
import type { Provenance } from "../lib/provenance";

export type Change = { before: unknown; after: unknown };
export type Changes = Record<string, Change>;

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  /**
   * `{field: {before, after}}`; a field's change may be SQL computing that JSON as the batch
   * runs (what a statement later in the batch is about to change: the sessions it ends).
   */
  changes?: Record<string, Change | SQL> | null;
  /** Defaults to the request's actor (`c.var.userId`); pass null for anonymous actions. */
  actorId?: string | null;
}

const NO_PROVENANCE: Provenance = { capturedAt: null, deviceId: null, appVersion: null };

/** Who and where an audit row records: the request's, or a stored import's for its job. */
export interface AuditSource {
  actorId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  provenance: Provenance;
}

export const auditSource = (c: Context): AuditSource => ({
  actorId: c.get("userId") ?? null,
  requestId: c.get("requestId") ?? null,
  ...clientInfo(c),
  provenance: c.get("provenance") ?? NO_PROVENANCE,
});

/** An audit row as the table stores it, for `source` at `at`. */
export function auditRowOf(
  source: AuditSource,
  entry: Omit<AuditEntry, "changes"> & { changes: Changes | SQL | null },
  at: string,
) {
  return {
    id: uuidv7(),
    occurredAt: at,
    actorId: entry.actorId !== undefined ? entry.actorId : source.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    requestId: source.requestId,
    ip: source.ip,
    userAgent: source.userAgent,
    changes: entry.changes,
    ...source.provenance,
  } satisfies typeof auditEvents.$inferInsert;
}

const auditRow = (c: Context, entry: AuditEntry) =>
  auditRowOf(
    auditSource(c),
    { ...entry, changes: changesValue(entry.changes ?? null) },
    new Date().toISOString(),
  );

/** The changes as the column takes them: the object, or SQL building its JSON in the batch. */
function changesValue(changes: Record<string, Change | SQL> | null): Changes | SQL | null {
  if (changes === null || !Object.values(changes).some((change) => is(change, SQL))) {
    return changes as Changes | null;
  }
  const members = Object.entries(changes).map(
    ([field, change]) => sql`${field}, json(${is(change, SQL) ? change : JSON.stringify(change)})`,
  );
  return sql`json_object(${sql.join(members, sql`, `)})`;
}

/** The changes as a value in raw SQL: JSON text, or the SQL that computes it. */
const changesSql = (changes: Changes | SQL | null) =>
  changes === null || is(changes, SQL) ? changes : JSON.stringify(changes);

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
export const auditIfChanged = (c: Context, entry: AuditEntry) =>
  insertAuditIfChanged(c.var.db, auditRow(c, entry));

/** `auditIfChanged` for a row already made (auditRowOf): the INSERT … SELECT itself. */
export function insertAuditIfChanged(db: Database, row: ReturnType<typeof auditRowOf>) {
  return db.insert(auditEvents).select(
    sql`select ${row.id}, ${row.occurredAt}, ${row.actorId}, ${row.action}, ${row.entityType},
      ${row.entityId}, ${row.requestId}, ${row.ip}, ${row.userAgent}, ${changesSql(row.changes)},
      ${row.capturedAt}, ${row.deviceId}, ${row.appVersion}
    where changes() > 0`,
  );
}

/** A field an UPDATE sets: its name in the API, its column, its new value. */
export type PatchedField = [field: string, column: SQLiteColumn, value: unknown];

/** Whether a field's stored value differs from its new one (NULL-safe). */
export const differs = ([, column, value]: PatchedField) => sql`${column} is not ${value}`;

/**
 * The audit row of an UPDATE, to go in its batch just before it: an INSERT … SELECT from
 * the row as it still is, under the UPDATE's own WHERE, so it is written exactly when the
 * UPDATE applies. The changes ({field: {before, after}} for each field that differs) are
 * computed in SQL from the stored row, which the write never had to read first.
 */
export function auditUpdate(
  c: Context,
  entry: Omit<AuditEntry, "changes">,
  table: SQLiteTable,
  fields: PatchedField[],
  where: SQL,
) {
  const row = auditRow(c, entry);
  // One row per patched field (column1), its {before, after} or NULL when it does not
  // change (column2); the object is built from the others (json() keeps each value JSON
  // through the subquery). A VALUES list, not a UNION ALL: D1 allows a compound SELECT 5
  // terms, and a replace (PUT) sets every field of a resource.
  const perField = sql.join(
    fields.map(
      (field) =>
        sql`(${field[0]}, case when ${differs(field)} then json_object('before', ${field[1]}, 'after', ${field[2]}) end)`,
    ),
    sql`, `,
  );
  return c.var.db.insert(auditEvents).select(
    sql`select ${row.id}, ${row.occurredAt}, ${row.actorId}, ${row.action}, ${row.entityType},
      ${row.entityId}, ${row.requestId}, ${row.ip}, ${row.userAgent},
      (select json_group_object(column1, json(column2)) from (values ${perField}) where column2 is not null),
      ${row.capturedAt}, ${row.deviceId}, ${row.appVersion}
    from ${table} where ${where}`,
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
