import { is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

/** Every table of the schema, found by type so a new table cannot be left out. */
export const allTables = Object.values(schema).filter((value) =>
  is(value, SQLiteTable),
) as SQLiteTable[];
