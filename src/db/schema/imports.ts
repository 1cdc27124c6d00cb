import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { idColumn, nowSql, sqlList, timestamp } from "./columns";
import { users } from "./users";

/** What `POST /imports/{entity}` loads (src/imports/entities.ts). */
export const importEntities = [
  "products",
  "establishments",
  "portfolio-items",
  "seller-assignments",
  "users",
] as const;
export const importFormats = ["csv", "ndjson"] as const;
/**
 * `staging`: the upload of a job is being stored; `running`: its chunks are being applied;
 * `completed`: every row has an outcome; `failed`: the job stopped (the reason in `error`).
 */
export const importStatuses = ["staging", "running", "completed", "failed"] as const;
export const importOutcomes = ["created", "updated", "unchanged", "rejected"] as const;

/**
 * One bulk import (docs/imports.md). A file of up to IMPORT_SYNC_ROWS rows is applied in
 * the request, in one batch with this row (`completed` from the start); a larger one is a
 * job: its rows are staged in `import_chunks` and applied chunk by chunk by a Workflow,
 * each chunk in one batch with the advance of `next_chunk`, which is how a job that was
 * stopped resumes without applying a chunk twice.
 */
export const imports = sqliteTable(
  "imports",
  {
    id: idColumn(),
    entity: text("entity", { enum: importEntities }).notNull(),
    format: text("format", { enum: importFormats }).notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    status: text("status", { enum: importStatuses }).notNull(),
    fileName: text("file_name"),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    requestId: text("request_id"),
    rowsTotal: integer("rows_total").notNull().default(0),
    chunksTotal: integer("chunks_total").notNull().default(0),
    /** The first chunk not yet applied: advanced in the same batch as the chunk's writes. */
    nextChunk: integer("next_chunk").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    /** Runs of a job's Workflow so far: the cron gives up on a job after a few (failed). */
    runs: integer("runs").notNull().default(0),
    /** Why the import failed, for a person: JSON `{en, es}`, shown in the reader's language. */
    error: text("error"),
    createdAt: timestamp("created_at").notNull().default(nowSql),
    /** The last progress: a running job not advanced for a while is resumed by the cron. */
    updatedAt: timestamp("updated_at").notNull().default(nowSql),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [
    index("imports_created_at_id_idx").on(t.createdAt, t.id),
    index("imports_status_updated_at_idx").on(t.status, t.updatedAt),
    check("imports_entity_check", sql`${t.entity} in (${sqlList(importEntities)})`),
    check("imports_format_check", sql`${t.format} in (${sqlList(importFormats)})`),
    check("imports_status_check", sql`${t.status} in (${sqlList(importStatuses)})`),
  ],
);

/** A job's rows as uploaded, a chunk per row (JSON), until the job has applied them. */
export const importChunks = sqliteTable(
  "import_chunks",
  {
    importId: text("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    /** JSON: `[[row, record], …]`, each record an object of the file's columns. */
    rows: text("rows").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** Each row's outcome, read back page by page at `GET /imports/{id}/rows`. */
export const importRows = sqliteTable(
  "import_rows",
  {
    importId: text("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    /** The row's number in the file as a spreadsheet shows it (CSV: the header is row 1). */
    row: integer("row").notNull(),
    outcome: text("outcome", { enum: importOutcomes }).notNull(),
    /** The record created, updated or found unchanged. */
    entityId: text("entity_id"),
    /** JSON `[{column, message: {en, es}}]` for a rejected row. */
    errors: text("errors", { mode: "json" }),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.row] }),
    index("import_rows_outcome_idx").on(t.importId, t.outcome, t.row),
    check("import_rows_outcome_check", sql`${t.outcome} in (${sqlList(importOutcomes)})`),
  ],
);

/**
 * Never holds a row: a bulk write's last statement inserts one (failing the CHECK) when a
 * row it was planned from changed meanwhile, so the whole batch rolls back and the import
 * plans again from what is there now (src/imports/bulk-write.ts).
 */
export const bulkWriteGuard = sqliteTable(
  "bulk_write_guard",
  { lost: integer("lost").notNull() },
  (t) => [check("bulk_write_lost_race", sql`${t.lost} = 0`)],
);
