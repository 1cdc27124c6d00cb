import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * Case-insensitive "contains" for `q` filters. `%` and `_` typed by the user are matched
 * literally (escaped), not as wildcards. SQLite's LIKE folds ASCII case only.
 */
export function contains(column: SQLiteColumn | SQL, text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`${column} like ${pattern} escape '\\'`;
}
