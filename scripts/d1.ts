// Runs SQL against the project's D1 through wrangler, locally (.wrangler/) or remotely.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface Target {
  remote: boolean;
}

/** Local state directory; tests point it at a temporary one. Default: .wrangler/state. */
const persistTo = process.env.PORTAFOLIO_PERSIST_TO;
const local = () => ["--local", ...(persistTo ? ["--persist-to", persistTo] : [])];

/**
 * Where wrangler keeps local state, as wrangler resolves it: `--persist-to` relative to the
 * working directory, else `.wrangler/state` next to wrangler.toml (the project root).
 * D1 lives in `v3/d1`, KV in `v3/kv` under it (what `wrangler dev` and `--local` use).
 */
export const localStateDir = () =>
  persistTo ? resolve(persistTo) : fileURLToPath(new URL("../.wrangler/state", import.meta.url));

const wrangler = (args: string[]) =>
  spawnSync("npx", ["wrangler", ...args], {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });

/** Applies pending migrations to the local database (remote ones are applied on deploy). */
export function migrateLocal(): void {
  const result = wrangler(["d1", "migrations", "apply", "DB", ...local()]);
  if (result.status !== 0) throw new Error(`Could not apply local migrations:\n${result.stderr}`);
}

/**
 * Executes a SQL file of statements in one go. wrangler has no parameter binding, so the
 * callers quote every value with `literal()` below (values are validated first).
 */
export function executeSql(
  sql: string,
  { remote }: Target,
): { ok: true } | { ok: false; error: string } {
  const dir = mkdtempSync(join(tmpdir(), "portafolio-sql-"));
  const file = join(dir, "statements.sql");
  try {
    writeFileSync(file, sql);
    const result = wrangler([
      "d1",
      "execute",
      "DB",
      ...(remote ? ["--remote"] : local()),
      "--file",
      file,
      "--yes",
    ]);
    return result.status === 0
      ? { ok: true }
      : { ok: false, error: `${result.stdout}\n${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of one read-only statement, run locally or remotely. */
export function querySql<Row>(
  sql: string,
  { remote }: Target,
): { ok: true; rows: Row[] } | { ok: false; error: string } {
  const result = wrangler([
    "d1",
    "execute",
    "DB",
    ...(remote ? ["--remote"] : local()),
    "--json",
    "--command",
    sql,
  ]);
  if (result.status !== 0) return { ok: false, error: `${result.stdout}\n${result.stderr}` };
  const [first] = JSON.parse(result.stdout) as { results: Row[] }[];
  return { ok: true, rows: first?.results ?? [] };
}

/** A SQL literal: NULL, a number, or a single-quoted string with quotes doubled. */
export function literal(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

export function insertSql(
  table: string,
  row: Record<string, string | number | null | undefined>,
  conflict: "fail" | "ignore" = "fail",
) {
  const columns = Object.keys(row);
  const verb = conflict === "ignore" ? "INSERT OR IGNORE" : "INSERT";
  return `${verb} INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => literal(row[c])).join(", ")});`;
}

/** How upsertSql resolves a conflict. */
export interface Upsert {
  /** The conflict target: the primary key columns (default `id`). */
  key?: string[];
  /** Columns an existing row keeps, e.g. `created_at`. */
  keep?: string[];
  /** Add one to `version`. */
  bump?: boolean;
}

/**
 * An upsert that puts a row back as given: `INSERT … ON CONFLICT (key) DO UPDATE` sets every
 * column except the key and `keep` (e.g. created_at) to the new values, and with `bump` adds
 * one to `version`, so an ETag taken before no longer matches. Nothing left to set: DO NOTHING.
 * Other unique indexes are not the conflict target: a clash on them still fails the statement.
 */
export function upsertSql(
  table: string,
  row: Record<string, string | number | null | undefined>,
  { key = ["id"], keep = [], bump = false }: Upsert,
) {
  const set = Object.keys(row)
    .filter((c) => !key.includes(c) && !keep.includes(c))
    .map((c) => `${c} = excluded.${c}`);
  if (bump) set.push(`version = ${table}.version + 1`);
  const action = set.length ? `DO UPDATE SET ${set.join(", ")}` : "DO NOTHING";
  return `${insertSql(table, row).slice(0, -1)} ON CONFLICT (${key.join(", ")}) ${action};`;
}
