import { eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { assertIfMatch, ifMatchGuard, lostRace } from "../lib/etag";
import { ApiError } from "../lib/problem";
import { auditIfChanged, type Changes, diff } from "./audit";
import { conflictOnUnique } from "./errors";

/** Why a guarded write found no row: it changed since (412), or it is gone (404). */
async function lostRaceOrGone(
  entityType: string,
  currentVersion: () => Promise<number | undefined>,
) {
  const version = await currentVersion();
  return version === undefined
    ? new ApiError("not-found", { detail: `The ${entityType} no longer exists` })
    : lostRace(version);
}

export interface VersionedUpdate<Row extends { version: number }> {
  /** The row as read (in the caller's scope): the If-Match check and the diff use it. */
  before: Row;
  patch: Record<string, unknown>;
  entityType: string;
  entityId: string;
  /** The table's `version` column. */
  version: SQLiteColumn;
  /** `UPDATE <table> SET values WHERE <this row> AND guard RETURNING <columns>`. */
  update: (values: Record<string, unknown>, guard: SQL | undefined) => BatchItem<"sqlite">;
  /** The version now stored, for a 412 after a lost race. */
  currentVersion: () => Promise<number | undefined>;
  /** Unique index (or `table.column`) → request field, for 409s. */
  uniqueFields?: Record<string, string>;
  /** When the UPDATE has a guard of its own (e.g. "not the last admin"), the refusal. */
  refusal?: ApiError;
  /**
   * What else the change implies, in the same batch after the UPDATE. Each statement must
   * guard itself on the row's new state, so an UPDATE that did not apply changes nothing.
   */
  consequences?: BatchItem<"sqlite">[];
}

/**
 * The one way a PATCH writes: If-Match checked against the row read; nothing written when
 * nothing changes; otherwise one atomic batch of the UPDATE (version + 1, and guarded by
 * the version when If-Match was sent) and its audit event, which is only written if the
 * UPDATE applied. An UPDATE that lost a race is a 412 (or the caller's own refusal).
 */
export async function updateVersioned<Row extends { version: number }>(
  c: Context,
  u: VersionedUpdate<Row>,
): Promise<{ row: Row; changes: Changes }> {
  assertIfMatch(c, u.before.version);
  const changes = diff(u.before as Record<string, unknown>, u.patch);
  if (Object.keys(changes).length === 0) return { row: u.before, changes };
  const values = {
    ...u.patch,
    version: sql`${u.version} + 1`,
    updatedAt: new Date().toISOString(),
  };
  const guard = ifMatchGuard(c, () => eq(u.version, u.before.version));
  const [updated] = (await c.var.db
    .batch([
      u.update(values, guard),
      auditIfChanged(c, {
        action: `${u.entityType}.updated`,
        entityType: u.entityType,
        entityId: u.entityId,
        changes,
      }),
      ...(u.consequences ?? []),
    ])
    .catch((error) =>
      u.uniqueFields ? conflictOnUnique(error, u.uniqueFields) : Promise.reject(error),
    )) as [Row[], unknown];
  const [after] = updated;
  if (!after) {
    if (u.refusal) throw u.refusal;
    throw await lostRaceOrGone(u.entityType, u.currentVersion);
  }
  return { row: after, changes };
}

export interface VersionedDelete {
  /** The live row as read (in the caller's scope). */
  before: { version: number };
  entityType: string;
  entityId: string;
  /** The table's `version` and `deleted_at` columns. */
  version: SQLiteColumn;
  deletedAt: SQLiteColumn;
  /** `UPDATE <table> SET values WHERE <this live row> AND guard RETURNING <anything>`. */
  markDeleted: (values: Record<string, unknown>, guard: SQL | undefined) => BatchItem<"sqlite">;
  /**
   * What else the deletion changes, in the same batch. `applied` is true in SQL only when
   * the deletion itself went through, so a deletion that lost a race changes nothing.
   */
  consequences?: (now: string, applied: SQL) => BatchItem<"sqlite">[];
  currentVersion: () => Promise<number | undefined>;
}

/**
 * The one way a DELETE writes: a soft delete (`deleted_at`, version + 1) checked against
 * If-Match, with its audit event and its consequences in the same atomic batch.
 */
export async function softDeleteVersioned(c: Context, d: VersionedDelete): Promise<void> {
  assertIfMatch(c, d.before.version);
  const now = new Date().toISOString();
  const guard = ifMatchGuard(c, () => eq(d.version, d.before.version));
  const table = d.deletedAt.table;
  const idColumn = Object.values(getTableColumns(table)).find((column) => column.primary)!;
  const applied = sql`exists (select 1 from ${table} where ${idColumn} = ${d.entityId} and ${d.deletedAt} is not null)`;
  const [deleted] = (await c.var.db.batch([
    d.markDeleted({ deletedAt: now, updatedAt: now, version: sql`${d.version} + 1` }, guard),
    auditIfChanged(c, {
      action: `${d.entityType}.deleted`,
      entityType: d.entityType,
      entityId: d.entityId,
    }),
    ...(d.consequences?.(now, applied) ?? []),
  ])) as [unknown[], ...unknown[]];
  if (deleted.length === 0) throw await lostRaceOrGone(d.entityType, d.currentVersion);
}
