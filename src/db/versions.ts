import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * What every versioned table shares: an id, a `version` that goes up by one on every
 * change (the ETag), an `updatedAt`, and for the soft-deleted ones a `deletedAt`.
 */
export type VersionedTable = SQLiteTable & {
  id: SQLiteColumn;
  version: SQLiteColumn;
  updatedAt: SQLiteColumn;
};
export type SoftDeletedTable = VersionedTable & { deletedAt: SQLiteColumn };

/** The SET of every change to a versioned row: the next version, changed now. */
export const nextVersion = (table: VersionedTable, now: string) => ({
  version: sql`${table.version} + 1`,
  updatedAt: now,
});

/** Not soft-deleted. */
export const isLive = (table: SoftDeletedTable): SQL => isNull(table.deletedAt);

/** The row `id`, unless it is soft-deleted. */
export const liveRow = (table: SoftDeletedTable, id: string): SQL =>
  and(eq(table.id, id), isLive(table))!;

/**
 * In a batch, true while the statement just before this one changed a row (SQLite's
 * changes()): how a statement runs only if the one it depends on applied.
 */
export const previousStatementChanged: SQL = sql`changes() > 0`;
