import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { searchKey } from "../lib/search-key";

/**
 * Case-insensitive "contains" for `q` filters. `%` and `_` typed by the user are matched
 * literally (escaped), not as wildcards. SQLite's LIKE folds ASCII case only.
 */
/** `q` as people type it, within a stored search key (src/lib/search-key.ts). */
export const containsKey = (keyColumn: SQLiteColumn, q: string): SQL =>
  contains(keyColumn, searchKey(q));

export function contains(column: SQLiteColumn | SQL, text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`${column} like ${pattern} escape '\\'`;
}
