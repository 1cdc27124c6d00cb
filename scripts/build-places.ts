// Renders the SQL that loads DANE's DIVIPOLA list (scripts/data/divipola.csv; source and
// date in scripts/data/divipola.md) into the departments, municipalities and
// place_spellings tables, as migration 0002 holds it. test/node/places.test.ts checks
// that the migration and the CSV agree. `npx tsx scripts/build-places.ts` prints it.
import { readFile } from "node:fs/promises";
import { searchKey } from "../src/lib/search-key";

export const SOURCE = new URL("./data/divipola.csv", import.meta.url);

/**
 * Short names people use that are not DANE's (DANE writes "Santiago de Cali"). Each is
 * one more spelling of the place with that code.
 */
export const COMMON_NAMES: Record<string, string[]> = {
  "11": ["Bogotá", "Distrito Capital"],
  "44": ["Guajira"],
  "76": ["Valle"],
  "88": ["San Andrés", "San Andrés y Providencia"],
  "11001": ["Bogotá"],
  "13001": ["Cartagena"],
  "54001": ["Cúcuta"],
  "52835": ["Tumaco"],
  "76001": ["Cali"],
};

export interface Place {
  code: string;
  name: string;
}

/** One CSV line (RFC 4180: quoted fields may hold commas). */
function fields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map(
    ([, quoted, plain]) => quoted?.replaceAll('""', '"') ?? plain ?? "",
  );
}

export async function readDivipola() {
  const [header, ...rows] = (await readFile(SOURCE, "utf8")).trim().split("\n");
  if (header !== "department_code,department_name,municipality_code,municipality_name")
    throw new Error(`unexpected header in divipola.csv: ${header}`);
  const departments = new Map<string, string>();
  const municipalities: (Place & { departmentCode: string })[] = [];
  for (const row of rows) {
    const [departmentCode, departmentName, code, name] = fields(row) as [
      string,
      string,
      string,
      string,
    ];
    if (
      !/^\d{2}$/.test(departmentCode) ||
      !/^\d{5}$/.test(code) ||
      !code.startsWith(departmentCode)
    )
      throw new Error(`bad DIVIPOLA row: ${row}`);
    departments.set(departmentCode, departmentName);
    municipalities.push({ code, name, departmentCode });
  }
  return {
    departments: [...departments].map(([code, name]) => ({ code, name })),
    municipalities,
  };
}

/** Every (key, code) spelling: each place's DANE name and its common names. */
export function spellings(places: Place[]): [string, string][] {
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  for (const { code, name } of places) {
    for (const spelling of [name, ...(COMMON_NAMES[code] ?? [])]) {
      const key = searchKey(spelling);
      if (seen.has(`${key}:${code}`)) continue;
      seen.add(`${key}:${code}`);
      pairs.push([key, code]);
    }
  }
  return pairs;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const values = (rows: string[][]) =>
  rows.map((row) => `(${row.map(quote).join(", ")})`).join(",\n");

export async function renderPlacesSql(): Promise<string> {
  const { departments, municipalities } = await readDivipola();
  return [
    `INSERT INTO \`departments\` (\`code\`, \`name\`) VALUES\n${values(departments.map((d) => [d.code, d.name]))};`,
    `INSERT INTO \`municipalities\` (\`code\`, \`department_code\`, \`name\`) VALUES\n${values(
      municipalities.map((m) => [m.code, m.departmentCode, m.name]),
    )};`,
    `INSERT INTO \`place_spellings\` (\`key\`, \`code\`) VALUES\n${values(
      spellings([...departments, ...municipalities]),
    )};`,
  ].join("--> statement-breakpoint\n");
}

/**
 * `searchKey` in SQL, for rows written before the key existed: lower-cased, Spanish
 * accents and ñ folded, common punctuation dropped. It matches `searchKey` on Spanish
 * text; rarer characters stay, and the next write of the row recomputes its key exactly.
 */
export function sqlSearchKey(column: string): string {
  // D1 caps an expression's depth at 100: fold only what Spanish names hold. SQLite's
  // lower() folds ASCII only, so the accented capitals fold straight to their letter.
  const folds: [string, string][] = [
    ...[..."áÁ"].map((ch): [string, string] => [ch, "a"]),
    ...[..."éÉ"].map((ch): [string, string] => [ch, "e"]),
    ...[..."íÍ"].map((ch): [string, string] => [ch, "i"]),
    ...[..."óÓ"].map((ch): [string, string] => [ch, "o"]),
    ...[..."úÚüÜ"].map((ch): [string, string] => [ch, "u"]),
    ...[..."ñÑ"].map((ch): [string, string] => [ch, "n"]),
    ...[..." .,-'()/"].map((ch): [string, string] => [ch, ""]),
  ];
  let expression = column;
  for (const [from, to] of folds)
    expression = `replace(${expression}, ${quote(from)}, ${quote(to)})`;
  return `lower(${expression})`;
}

if (process.argv[1]?.endsWith("build-places.ts")) {
  console.log(await renderPlacesSql());
  console.log(sqlSearchKey("`name`"));
}
