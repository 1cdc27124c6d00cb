// Runs SQL against the project's D1 through wrangler, locally (.wrangler/) or remotely.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Target {
  remote: boolean;
}

/** Local state directory; tests point it at a temporary one. Default: .wrangler/state. */
const persistTo = process.env.PORTAFOLIO_PERSIST_TO;
const local = () => ["--local", ...(persistTo ? ["--persist-to", persistTo] : [])];

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
