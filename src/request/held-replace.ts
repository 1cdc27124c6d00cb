import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SelectResultFields } from "drizzle-orm/query-builders/select.types";
import type { SelectedFields, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { isLoggedEntity, logChangeIfChanged, versionNow } from "../db/change-log";
import { nextVersion } from "../db/versions";
import { etagFor, lostRace } from "../lib/etag";
import { auditIfChanged, type Changes } from "./audit";
import { conflictOnUnique } from "./unique-conflict";
import { noSuch, type Target } from "./versioned-write";

export interface HeldReplace<Returning extends SelectedFields> {
  /** The version the handler read the row (and what it holds) at; If-Match checked on it. */
  version: number;
  /** The row's new fields. */
  patch: Record<string, unknown>;
  /** What changes, fields and held rows, for the audit row (worked out from the read). */
  changes: Changes;
  /**
   * The statements that change what the row holds, and their change-log rows, made `at`
   * the time of the write. Each must apply only while `rowAsRead` holds (SQL: the row is
   * in reach, at `version`).
   */
  held: (rowAsRead: SQL, at: string) => BatchItem<"sqlite">[];
  /** The columns the row is returned with. */
  returning: Returning;
  /** No read again after this one: a row that moved on meanwhile is a 412. */
  lastTry: boolean;
}

/**
 * A replace of a row together with what it holds (a portfolio's item set), worked out by
 * the handler from the row as it read it: one atomic batch of the held statements, then
 * the row's UPDATE (version + 1, once), its audit row, its change-log row and the row read
 * back. What a row holds changes only with its version, so while the row is at the version
 * read, what was worked out is exactly what changes; every statement is guarded on that.
 * A row that moved on meanwhile changes nothing: with If-Match (or on the last try) that
 * is 412, else undefined, and the handler reads again (last writer wins). A row gone: 404.
 * For a change to the row alone, updateVersioned.
 */
export async function replaceWithHeld<Returning extends SelectedFields>(
  c: Context,
  target: Target,
  r: HeldReplace<Returning>,
): Promise<(SelectResultFields<Returning> & { version: number }) | undefined> {
  const db = c.var.db;
  const table = target.table as SQLiteTable;
  const now = new Date().toISOString();
  const asRead = and(target.where, eq(target.table.version, r.version))!;
  const held = r.held(sql`exists (select 1 from ${table} where ${asRead})`, now);
  const { entityType, entityId } = target;
  const statements: BatchItem<"sqlite">[] = [
    ...held,
    db
      .update(table)
      .set({ ...r.patch, ...target.derived?.(r.patch), ...nextVersion(target.table, now) })
      .where(asRead)
      .returning({ id: target.table.id }),
    // Each of these inserts one row exactly when the statement before it changed one.
    auditIfChanged(c, {
      action: `${entityType}.updated`,
      entityType,
      entityId,
      changes: r.changes,
    }),
    ...(isLoggedEntity(entityType)
      ? [
          logChangeIfChanged(
            db,
            { entityType, entityId, op: "upsert" },
            versionNow(target.table, entityId),
            now,
          ),
        ]
      : []),
    db.select(r.returning).from(table).where(target.where),
  ];
  const results = (await db
    .batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])
    .catch((error) =>
      target.uniqueFields ? conflictOnUnique(error, target.uniqueFields) : Promise.reject(error),
    )) as unknown[][];
  type Row = SelectResultFields<Returning> & { version: number };
  const [row] = results.at(-1) as Row[];
  if (!row) throw noSuch(entityType);
  if (results[held.length]!.length === 0) {
    if (r.lastTry || c.req.header("If-Match") !== undefined) throw lostRace(row.version);
    return undefined;
  }
  c.header("ETag", etagFor(row.version));
  return row;
}
