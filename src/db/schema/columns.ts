import { sql } from "drizzle-orm";
import { integer, text } from "drizzle-orm/sqlite-core";

/**
 * Timestamps are stored as RFC 3339 UTC strings with milliseconds — the same text the API
 * returns — so they sort lexicographically, need no conversion, and read well in SQL.
 */
export const nowSql = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const timestamp = (name: string) => text(name);

export const idColumn = () => text("id").primaryKey();

/** Optimistic concurrency: starts at 1, +1 on every change; the ETag is derived from it. */
const versionColumn = () => integer("version").notNull().default(1);

const createdAt = () => timestamp("created_at").notNull().default(nowSql);
const updatedAt = () => timestamp("updated_at").notNull().default(nowSql);

/** The columns of a row that changes under optimistic concurrency (src/db/versions.ts). */
export const versioned = () => ({
  version: versionColumn(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** …and that is soft-deleted: `deleted_at` set, the row kept for history and references. */
export const softDeleted = () => ({ ...versioned(), deletedAt: timestamp("deleted_at") });

/** SQL list for a CHECK constraint over an enum's values, e.g. `'a', 'b'`. */
export const sqlList = (values: readonly string[]) =>
  sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", "));
