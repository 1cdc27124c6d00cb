import { call, expectProblem } from "./http";

export type ImportEntity =
  | "products"
  | "establishments"
  | "portfolio-items"
  | "seller-assignments"
  | "users";

export interface RowResult {
  row: number;
  outcome: "created" | "updated" | "unchanged" | "rejected";
  id: string | null;
  errors?: { column: string | null; message: string }[];
}

export interface ImportResult {
  import: Record<string, unknown> & {
    id: string;
    status: string;
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
  };
  rows: RowResult[];
}

/** Sends `file` to `POST /imports/{entity}` as an admin's app would. */
export function sendImport(
  headers: Record<string, string>,
  entity: ImportEntity,
  file: string | Uint8Array,
  options: {
    type?: string;
    dryRun?: boolean;
    fileName?: string;
    extra?: Record<string, string>;
  } = {},
) {
  const query = new URLSearchParams();
  if (options.dryRun) query.set("dryRun", "true");
  if (options.fileName) query.set("fileName", options.fileName);
  const search = query.size > 0 ? `?${query}` : "";
  return call(`/api/v1/imports/${entity}${search}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": options.type ?? "text/csv", ...options.extra },
    body: file,
  });
}

/** `sendImport`, expecting a 200, with its body. */
export async function imported(...args: Parameters<typeof sendImport>): Promise<ImportResult> {
  const response = await sendImport(...args);
  if (response.status !== 200) {
    throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as ImportResult;
}

/** A CSV file of `header` and `rows` (cells written as given), CRLF line ends. */
export const csvFile = (header: readonly string[], rows: readonly (readonly unknown[])[]) =>
  `${[header, ...rows]
    .map((cells) => cells.map((c) => (c === null ? "" : String(c))).join(","))
    .join("\r\n")}\r\n`;

/** How many rows had each outcome. */
export const outcomes = (result: ImportResult) =>
  result.rows.reduce<Record<string, number>>((counts, r) => {
    counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    return counts;
  }, {});

/** The `errors[]` of a 400 problem, as `{path, message}`. */
export async function fileErrors(response: Response) {
  const problem = await expectProblem(response, 400, "validation-error");
  return problem.errors as { path: string; message: string }[];
}
