import { getTableColumns, type Table } from "drizzle-orm";

/** D1 accepts at most 100 bound parameters per statement. */
export const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * Splits rows for a multi-row INSERT so each statement stays under D1's parameter limit.
 * Drizzle binds every column of the table for each row (defaults included), so the chunk
 * size comes from the table's column count, not from the keys the rows happen to have.
 */
export function chunkRowsForInsert<Row>(table: Table, rows: readonly Row[]): Row[][] {
  const perStatement = Math.max(
    1,
    Math.floor(D1_MAX_BOUND_PARAMETERS / Object.keys(getTableColumns(table)).length),
  );
  return inChunks(rows, perStatement);
}

/**
 * How many entries of a list one statement binds as a single JSON parameter (read with
 * json_each): a few tens of kilobytes, far under D1's limits on a value and a statement.
 */
export const JSON_LIST_CHUNK = 250;

/** `rows` in consecutive chunks of at most `size`. */
export function inChunks<Row>(rows: readonly Row[], size: number): Row[][] {
  const chunks: Row[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
