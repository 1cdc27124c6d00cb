import type { z } from "@hono/zod-openapi";
import { and, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { insertRows, updateRows } from "../db/bulk";
import type { ChangedEntityType } from "../db/change-log";
import type { Database } from "../db/client";
import { auditEvents, changes, type importEntities, type importOutcomes } from "../db/schema";
import type { VersionedTable } from "../db/versions";
import { uuidv7 } from "../lib/ids";
import type { Text } from "../lib/language";
import { fieldErrors } from "../lib/validation";
import { type AuditSource, auditRowOf, type Changes } from "./audit";

/*
 * What an import does with a chunk of rows, decided before anything is written: each
 * row's outcome and the set-based statements that apply them (src/db/bulk.ts). The
 * route runs a plan in one batch (a whole file of up to IMPORT_SYNC_ROWS rows), the job
 * one chunk at a time; a dry run only reads. docs/imports.md is the contract.
 */

export type ImportEntityName = (typeof importEntities)[number];
export type Outcome = (typeof importOutcomes)[number];

/** A row of the file: its number as a spreadsheet shows it, and its cells by column. */
export interface ImportRow {
  row: number;
  record: Record<string, unknown>;
  /** Why the file's reader could not make a row of it (rejected without a plan). */
  errors?: ColumnError[];
}

/** What is wrong with a row, at its column (null: the row as a whole). */
export interface ColumnError {
  column: string | null;
  message: Text;
}

export interface RowResult {
  row: number;
  outcome: Outcome;
  /** The record the row created, updated or matched (for an item, the product). */
  id: string | null;
  errors?: ColumnError[];
}

/** Who imports, and when: every audit and change-log row of the import carries it. */
export interface ImportContext {
  db: Database;
  source: AuditSource;
  at: string;
}

export interface Plan {
  results: RowResult[];
  /** Every write of the rows that change something; empty when none does. */
  writes: BatchItem<"sqlite">[];
}

/** One kind of row an import loads (`POST /imports/{name}`). */
export interface ImportEntity {
  name: ImportEntityName;
  /** The columns a file may have: what a row is matched by and what it sets. */
  columns: readonly string[];
  /**
   * Columns of the entity's CSV export that describe a row but are not set by an import
   * (versions, timestamps, derived values): accepted, so an export imports as it is.
   */
  ignored: readonly string[];
  /** Columns whose CSV cells are numbers. */
  numbers: readonly string[];
  /** Each group: a file needs one of these columns (what matches a row). */
  required: readonly (readonly string[])[];
  plan(ctx: ImportContext, rows: readonly ImportRow[]): Promise<Plan>;
}

export const rejected = (row: number, errors: ColumnError[]): RowResult => ({
  row,
  outcome: "rejected",
  id: null,
  errors,
});

export const columnError = (column: string | null, en: string, es: string): ColumnError => ({
  column,
  message: { en, es },
});

/** A row's values checked by the same schema as the single-row API, or its errors. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { data: z.output<S>; errors?: undefined } | { errors: ColumnError[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data };
  return {
    errors: fieldErrors("json", result.error).map(({ path, message }) => ({
      column: path.split("/")[1] || null,
      message,
    })),
  };
}

/** The record as a create reads it: an empty cell is a field left out (its default). */
export const presentFields = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));

/** Rows repeated within a chunk: the first keeps its key, the next are rejected. */
export class SeenKeys {
  private readonly rows = new Map<string, number>();
  /** The row that already had `key`, or undefined (and `row` now has it). */
  claim(key: string, row: number): number | undefined {
    const first = this.rows.get(key);
    if (first === undefined) this.rows.set(key, row);
    return first;
  }
}

export const repeats = (column: string, first: number): ColumnError =>
  columnError(column, `repeats row ${first}`, `repite la fila ${first}`);

/** A JSON list bound as one parameter, for `column in (…)`. */
export const inJson = (column: SQLiteColumn | SQL, values: readonly unknown[]) =>
  sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;

/** The audit row an import writes for a change, as insertRows takes it. */
export const importAudit = (
  ctx: ImportContext,
  entry: { action: string; entityType: string; entityId: string; changes: Changes },
) => auditRowOf(ctx.source, entry, ctx.at);

/** A change-log row, as insertRows takes it. */
export const logRow = (
  ctx: ImportContext,
  entry: {
    entityType: ChangedEntityType;
    entityId: string;
    version: number;
    portfolioId?: string | null;
    sellerId?: string | null;
  },
) => ({
  entityType: entry.entityType,
  entityId: entry.entityId,
  op: "upsert",
  version: entry.version,
  occurredAt: ctx.at,
  portfolioId: entry.portfolioId ?? null,
  sellerId: entry.sellerId ?? null,
});

/** The audit and change-log INSERTs of a plan. */
export const recordStatements = (
  db: Database,
  audits: readonly Record<string, unknown>[],
  logs: readonly Record<string, unknown>[],
) => [...insertRows(db, auditEvents, audits), ...insertRows(db, changes, logs)];

/** `{field: {before, after}}` for each field of `after` that differs from `before`. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Changes {
  const changed: Changes = {};
  for (const [field, value] of Object.entries(after)) {
    if (value !== undefined && before[field] !== value) {
      changed[field] = { before: before[field] ?? null, after: value };
    }
  }
  return changed;
}

/** A live row of a versioned entity as an import compares it: its id, version and fields. */
export type Stored = { id: string; version: number } & Record<string, unknown>;

/** A unique field of a versioned entity: how the stored rows holding a value are found. */
export interface UniqueField {
  field: string;
  /** What is compared: the column, or an expression over it (lower(email)). */
  column: SQLiteColumn | SQL;
  /** The value as `column` holds it. */
  key: (value: unknown) => string;
}

/**
 * An entity whose rows are versioned records of their own (products, establishments,
 * users): a row matches a live record by `id`, else by the first of `matchBy` it has, and
 * creates one when nothing matches.
 */
export interface VersionedEntitySpec<Extra> {
  table: VersionedTable;
  entityType: "product" | "establishment" | "user";
  /** Whether the change log (GET /sync) keeps this entity. */
  logged: boolean;
  /** Every unique field; the ones a row is matched by are named in `matchBy`. */
  uniques: readonly UniqueField[];
  matchBy: readonly string[];
  /** The live rows (as compared) whose id is one of `ids`, or that hold one of the values. */
  select: (db: Database) => { fields: Record<string, SQLiteColumn | SQL>; live?: SQL };
  /** Anything else the chunk's rows must be checked against, read in the same round trip. */
  extra?: (ctx: ImportContext, rows: readonly ImportRow[]) => Promise<Extra>;
  /**
   * A row that creates: its columns (defaults applied) and the fields its audit row
   * records, or why it cannot.
   */
  create: (
    record: Record<string, unknown>,
    extra: Extra,
  ) =>
    | { columns: Record<string, unknown>; audited: Record<string, unknown> }
    | { errors: ColumnError[] };
  /** A row that updates `stored`: the columns it sets (compared with the stored ones), or why not. */
  update: (
    record: Record<string, unknown>,
    stored: Stored,
    extra: Extra,
  ) => { columns: Record<string, unknown> } | { errors: ColumnError[] };
  /** Columns computed from the others (a search key from the name), written with them. */
  derived?: (columns: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * The plan of a chunk of rows of a versioned entity: one read round trip (the stored rows
 * by id and by every unique value the rows hold, plus the spec's extra checks), then
 * each row's outcome, and the INSERTs, guarded UPDATEs, audit and change-log rows.
 */
export async function planVersioned<Extra>(
  spec: VersionedEntitySpec<Extra>,
  ctx: ImportContext,
  rows: readonly ImportRow[],
): Promise<Plan> {
  const { db } = ctx;
  const { fields, live } = spec.select(db);
  const ids = rows.map((r) => cellText(r.record.id)).filter((id) => id !== "");
  const valuesOf = (unique: UniqueField) =>
    rows.flatMap((r) => {
      const value = r.record[unique.field];
      return value === null || value === undefined || value === "" ? [] : [unique.key(value)];
    });
  const reads = [
    db
      .select(fields)
      .from(spec.table)
      .where(and(live, inJson(spec.table.id, ids))),
    ...spec.uniques.map((unique) =>
      db
        .select(fields)
        .from(spec.table)
        .where(and(live, inJson(unique.column, valuesOf(unique)))),
    ),
  ] as const;
  const [found, extra] = await Promise.all([
    db.batch(reads as unknown as [BatchItem<"sqlite">]) as Promise<Stored[][]>,
    spec.extra?.(ctx, rows) ?? Promise.resolve(undefined as Extra),
  ]);
  const byId = new Map<string, Stored>();
  for (const list of found) for (const row of list as Stored[]) byId.set(row.id, row);
  /** Which live record holds each unique value: `field value` → id. */
  const holders = new Map<string, string>();
  for (const stored of byId.values()) {
    for (const unique of spec.uniques) {
      const value = stored[unique.field];
      if (value !== null && value !== undefined)
        holders.set(`${unique.field} ${unique.key(value)}`, stored.id);
    }
  }

  const results: RowResult[] = [];
  const inserted: Record<string, unknown>[] = [];
  /** Updated rows by the columns they set. */
  const updates = new Map<string, Record<string, unknown>[]>();
  const audits: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  const seen = new SeenKeys();

  for (const { row, record } of rows) {
    const id = cellText(record.id);
    let stored: Stored | undefined;
    if (id !== "") {
      stored = byId.get(id);
      if (!stored) {
        results.push(
          rejected(row, [
            columnError(
              "id",
              `no live ${spec.entityType} has id ${id}`,
              `ningún registro vigente tiene el id ${id}`,
            ),
          ]),
        );
        continue;
      }
    } else if (spec.matchBy.every((field) => cellText(record[field]) === "")) {
      // A row nothing could match again would be created anew by every import of its file.
      const keys = ["id", ...spec.matchBy].join(", ");
      results.push(
        rejected(row, [
          columnError(
            spec.matchBy[0]!,
            `one of ${keys} is required`,
            `uno de ${keys} es obligatorio`,
          ),
        ]),
      );
      continue;
    } else {
      for (const field of spec.matchBy) {
        const unique = spec.uniques.find((u) => u.field === field)!;
        const value = record[field];
        if (value === null || value === undefined || value === "") continue;
        const holder = holders.get(`${field} ${unique.key(value)}`);
        stored = holder === undefined ? undefined : byId.get(holder);
        break;
      }
    }
    const { id: _id, ...fields } = record;
    const outcome:
      | { columns: Record<string, unknown>; audited?: Record<string, unknown> }
      | { errors: ColumnError[] } = stored
      ? spec.update(fields, stored, extra)
      : spec.create(fields, extra);
    if ("errors" in outcome) {
      results.push(rejected(row, outcome.errors));
      continue;
    }
    // A unique value held by another record, or claimed by an earlier row of the chunk.
    const conflicts: ColumnError[] = [];
    for (const unique of spec.uniques) {
      const value = outcome.columns[unique.field] ?? stored?.[unique.field];
      if (value === null || value === undefined) continue;
      const key = `${unique.field} ${unique.key(value)}`;
      const holder = holders.get(key);
      if (holder !== undefined && holder !== stored?.id) {
        conflicts.push(
          columnError(
            unique.field,
            `${unique.field} is already taken`,
            `${unique.field} ya está en uso`,
          ),
        );
        continue;
      }
      const first = seen.claim(key, row);
      if (first !== undefined) conflicts.push(repeats(unique.field, first));
    }
    const firstForRecord = stored ? seen.claim(`id ${stored.id}`, row) : undefined;
    if (firstForRecord !== undefined) {
      conflicts.push(repeats(id !== "" ? "id" : spec.matchBy[0]!, firstForRecord));
    }
    if (conflicts.length > 0) {
      results.push(rejected(row, conflicts));
      continue;
    }

    if (!stored) {
      const newId = uuidv7();
      const columns = { ...outcome.columns, ...spec.derived?.(outcome.columns) };
      inserted.push({ id: newId, ...columns, version: 1, createdAt: ctx.at, updatedAt: ctx.at });
      audits.push(
        importAudit(ctx, {
          action: `${spec.entityType}.created`,
          entityType: spec.entityType,
          entityId: newId,
          changes: changedFields({}, outcome.audited ?? {}),
        }),
      );
      if (spec.logged)
        logs.push(
          logRow(ctx, {
            entityType: spec.entityType as ChangedEntityType,
            entityId: newId,
            version: 1,
          }),
        );
      results.push({ row, outcome: "created", id: newId });
      continue;
    }
    const changed = changedFields(stored, outcome.columns);
    if (Object.keys(changed).length === 0) {
      results.push({ row, outcome: "unchanged", id: stored.id });
      continue;
    }
    const version = stored.version + 1;
    const after = Object.fromEntries(Object.entries(changed).map(([field, c]) => [field, c.after]));
    const columns = { ...after, ...spec.derived?.(after) };
    // Rows that set the same columns share an UPDATE.
    const set = Object.keys(columns).sort().join(",");
    updates.set(set, [
      ...(updates.get(set) ?? []),
      { ...columns, id: stored.id, version, updatedAt: ctx.at },
    ]);
    audits.push(
      importAudit(ctx, {
        action: `${spec.entityType}.updated`,
        entityType: spec.entityType,
        entityId: stored.id,
        changes: changed,
      }),
    );
    if (spec.logged)
      logs.push(
        logRow(ctx, {
          entityType: spec.entityType as ChangedEntityType,
          entityId: stored.id,
          version,
        }),
      );
    results.push({ row, outcome: "updated", id: stored.id });
  }

  const key = { column: spec.table.id, field: "id" };
  const writes: BatchItem<"sqlite">[] = [
    ...insertRows(db, spec.table, inserted),
    ...[...updates].flatMap(([set, group]) =>
      updateRows(db, spec.table, key, [...set.split(","), "version", "updatedAt"], group),
    ),
    ...recordStatements(db, audits, logs),
  ];
  return { results, writes };
}

/** The table columns of `table` a spec selects to compare: its property names. */
export const columnsOf = (table: VersionedTable, names: readonly string[]) => {
  const all = getTableColumns(table) as Record<string, SQLiteColumn>;
  return Object.fromEntries(names.map((name) => [name, all[name]!]));
};

/**
 * The records a chunk's held changes belong to (the portfolio of an item, the store of a
 * route): each one's version goes up once for the whole chunk, as one write of it would.
 */
export class Bumps {
  private readonly versions = new Map<string, number>();
  /** The version `parent` (at `version` when read) has after the chunk: one more, once. */
  next(parent: { id: string; version: number }): number {
    const bumped = this.versions.get(parent.id);
    if (bumped !== undefined) return bumped;
    this.versions.set(parent.id, parent.version + 1);
    return parent.version + 1;
  }
  get size() {
    return this.versions.size;
  }
  /** The UPDATEs of the versions, each guarded (updateRows). */
  statements(db: Database, table: VersionedTable, at: string): BatchItem<"sqlite">[] {
    const rows = [...this.versions].map(([id, version]) => ({ id, version, updatedAt: at }));
    const key = { column: table.id, field: "id" };
    return updateRows(db, table, key, ["version", "updatedAt"], rows);
  }
  /** The change-log rows of the parents themselves. */
  logs(ctx: ImportContext, entityType: ChangedEntityType) {
    return [...this.versions].map(([entityId, version]) =>
      logRow(ctx, { entityType, entityId, version }),
    );
  }
}

/** The text of a cell, trimmed; "" when empty. */
export const cellText = (value: unknown) =>
  value === null || value === undefined ? "" : String(value).trim();

/** The distinct non-empty values of `column` among `rows`, as `key` writes them. */
export const distinctCells = (rows: readonly ImportRow[], column: string, key = cellText) => [
  ...new Set(rows.map((r) => key(r.record[column])).filter((v) => v !== "")),
];

/** The first of `columns` a row fills, and its value. */
export const firstFilled = (record: Record<string, unknown>, columns: readonly string[]) => {
  const column = columns.find((c) => cellText(record[c]) !== "");
  return column === undefined ? undefined : { column, value: cellText(record[column]) };
};

/**
 * What a row names by the first of `columns` it fills (looked up in `found`, by column, as
 * `key` writes the value), or the error at that column.
 */
export function namedRecord<T>(
  record: Record<string, unknown>,
  columns: readonly string[],
  found: Record<string, Map<string, T>>,
  key: (column: string, value: string) => string,
  thing: { en: string; es: string },
): T | ColumnError {
  const filled = firstFilled(record, columns);
  if (!filled) {
    return columnError(
      columns[0]!,
      `one of ${columns.join(", ")} is required`,
      `una de ${columns.join(", ")} es obligatoria`,
    );
  }
  return (
    found[filled.column]!.get(key(filled.column, filled.value)) ??
    columnError(
      filled.column,
      `${filled.column} names no ${thing.en}`,
      `${filled.column} no es ${thing.es}`,
    )
  );
}

export const isColumnError = (value: object): value is ColumnError => "message" in value;
