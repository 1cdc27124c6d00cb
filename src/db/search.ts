import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { searchKey } from "../lib/search-key";

/** `q` as people type it, within a stored search key (src/lib/search-key.ts). */
export const containsKey = (keyColumn: SQLiteColumn, q: string): SQL =>
  contains(keyColumn, searchKey(q));

/**
 * Case-insensitive "contains" for `q` filters (ASCII case, as SQLite folds it), with what
 * the user typed matched literally. instr(), not LIKE: D1 refuses a LIKE pattern over 50
 * bytes ("LIKE or GLOB pattern too complex"), and `q` may be 100 characters.
 */
export function contains(column: SQLiteColumn | SQL, text: string): SQL {
  return sql`instr(lower(${column}), lower(${text})) > 0`;
}
