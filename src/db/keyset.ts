import { asc, desc, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { anySortValue, decodeCursor, encodeCursor, type SortValue } from "../lib/pagination";

/**
 * Keyset pagination in SQL: a page continues strictly after the last row of the previous
 * one by (sort value, id), so page N costs the same as page 1 and walking every page
 * returns every row exactly once even while rows are added. The cursor itself (its
 * encoding and strict reading) is src/lib/pagination.ts.
 */

/**
 * The sort value a cursor may carry for a column: the column's own type, so a forged
 * cursor cannot compare an integer column with text (or text with a number).
 */
function sortValueFor(column: SQLiteColumn): z.ZodType<SortValue> {
  if (column.columnType === "SQLiteInteger") return z.number().int();
  if (column.dataType === "number") return z.number();
  if (column.dataType === "string") return z.string();
  return anySortValue;
}

/**
 * A keyset page of a list whose `query` (src/lib/pagination.ts `listQuerySchema`) asks for
 * `sort` after `cursor`; `id` breaks ties and `columns` is the column behind each sort
 * field (each NOT NULL). `where` continues after the cursor, `orderBy` sorts by (field,
 * id), and `toPage` turns the `limit + 1` rows fetched into `{data, nextCursor}` — the
 * extra row only tells whether another page exists.
 */
export function keyset<F extends string>(
  { sort, cursor }: { sort: F | `-${F}`; cursor?: string | undefined },
  id: SQLiteColumn,
  columns: Record<F, SQLiteColumn>,
) {
  const descending = sort.startsWith("-");
  const field = (descending ? sort.slice(1) : sort) as F;
  const column = columns[field];
  const order = descending ? desc : asc;
  const sorts = Object.keys(columns).flatMap((f) => [f, `-${f}`]);
  const after =
    cursor === undefined ? undefined : decodeCursor(cursor, sort, sortValueFor(column), sorts);
  return {
    // A row-value comparison, (field, id) > (value, id), lets SQLite seek straight into the
    // (field, id) index instead of scanning past the earlier pages.
    where:
      after &&
      (descending
        ? sql`(${column}, ${id}) < (${after.value}, ${after.id})`
        : sql`(${column}, ${id}) > (${after.value}, ${after.id})`),
    orderBy: [order(column), order(id)],
    /** `idOf` reads the tie-breaker from a row (the `id` column unless told otherwise). */
    toPage<Row extends Record<F, SortValue>>(
      rows: Row[],
      limit: number,
      idOf: (row: Row) => string = (row) => (row as unknown as { id: string }).id,
    ) {
      if (rows.length <= limit) return { data: rows, nextCursor: null };
      const data = rows.slice(0, limit);
      const last = data[data.length - 1]!;
      return { data, nextCursor: encodeCursor({ sort, value: last[field], id: idOf(last) }) };
    },
  };
}
