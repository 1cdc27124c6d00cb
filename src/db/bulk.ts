import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";
import { bulkWriteGuard } from "./schema";

/*
 * Set-based writes for bulk imports. D1 allows 100 bound parameters per statement and
 * 1,000 queries per invocation (Workers Paid; 50 on Free), so a statement per row, or a
 * multi-row VALUES of 5 to 10 rows, cannot write thousands of rows in one batch. Here
 * each statement binds ONE parameter: a JSON array of whole rows, which SQLite unpacks
 * with json_each. A statement then writes up to JSON_CHUNK_BYTES of rows (D1's limit on
 * a value is 2,000,000 bytes), and 5,000 rows of any table take a handful of statements.
 */

/** Bytes of JSON one statement binds: under D1's 2,000,000-byte limit on a value. */
export const JSON_CHUNK_BYTES = 1_800_000;

/** The UTF-8 length of `text`, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is 2 UTF-16 units and 4 bytes: 1 extra byte each.
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/** `rows` as JSON arrays of at most `maxBytes` of UTF-8 each (a larger row alone). */
export function jsonChunks(rows: readonly unknown[], maxBytes = JSON_CHUNK_BYTES): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const json = JSON.stringify(row);
    const size = utf8Length(json) + 1;
    if (parts.length > 0 && bytes + size > maxBytes) {
      chunks.push(`[${parts.join(",")}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) chunks.push(`[${parts.join(",")}]`);
  return chunks;
}

/** A field of the JSON row `j.value` (json_each's, aliased `j`: its own `id` column would shadow a table's). */
export const jsonField = (key: string) => sql`json_extract(j.value, ${`$.${key}`})`;

type Row = Record<string, unknown>;

/**
 * INSERTs of `rows` into `table`, each row an object keyed by the table's property names
 * (`createdAt`, not `created_at`); a key left out is NULL (so an AUTOINCREMENT key gets
 * the next value). A JSON-mode column takes its value as an object, not as text.
 */
export function insertRows(
  db: Database,
  table: SQLiteTable,
  rows: readonly Row[],
): BatchItem<"sqlite">[] {
  const keys = Object.keys(getTableColumns(table));
  const selected = sql.join(
    keys.map((key) => jsonField(key)),
    sql`, `,
  );
  return jsonChunks(rows).map((json) =>
    db.insert(table).select(sql`select ${selected} from json_each(${json}) as j`),
  );
}

/**
 * UPDATEs setting `columns` of each row of `table` found by `key` (a column, matched
 * against the row's own `key` field) to the row's values, but only where the stored row
 * still has the version before the row's `version` (the version the import read): each
 * followed by a statement that aborts the batch unless it changed exactly its rows. A row
 * written by anyone else since it was read so undoes the whole batch, and the import
 * plans again from what is there now.
 */
export function updateRows(
  db: Database,
  table: SQLiteTable & { version: SQLiteColumn },
  key: { column: SQLiteColumn; field: string },
  columns: readonly string[],
  rows: readonly Row[],
): BatchItem<"sqlite">[] {
  const { version } = getTableColumns(table);
  const set = Object.fromEntries(columns.map((name) => [name, jsonField(name)]));
  return jsonChunks(rows).flatMap((json) => [
    db
      .update(table)
      .set(set)
      .from(sql`json_each(${json}) as j`)
      .where(
        sql`${key.column} = ${jsonField(key.field)} and ${version} = ${jsonField("version")} - 1`,
      ),
    abortIf(db, sql`changes() <> json_array_length(${json})`),
  ]);
}

/**
 * Aborts the batch (rolls every statement of it back) when `lost` is true as it runs: an
 * INSERT that breaks bulk_write_guard's CHECK.
 */
export const abortIf = (db: Database, lost: SQL) =>
  db.insert(bulkWriteGuard).select(sql`select 1 where ${lost}`);

/** Whether a failed batch was aborted by `abortIf` (a lost race: plan again). */
export const isLostRace = (error: unknown) =>
  String((error as { cause?: unknown })?.cause ?? error).includes("bulk_write_lost_race") ||
  String(error).includes("bulk_write_lost_race");
