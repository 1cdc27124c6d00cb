import { z } from "@hono/zod-openapi";
import { asc, desc, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { fromBase64Url, toBase64Url } from "./encoding";
import { ApiError } from "./problem";

/**
 * Keyset pagination: a page continues strictly after the last row of the previous one by
 * (sort value, id), so page N costs the same as page 1 and walking every page returns
 * every row exactly once even while rows are added.
 */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

type SortValue = string | number;

interface CursorPayload {
  /** The sort the cursor was made for; reusing it under another sort is a 400. */
  sort: string;
  value: SortValue;
  id: string;
}

const anySortValue = z.union([z.string(), z.number()]);

/** Exactly `[sort, value, id]`: a cursor with more or fewer parts was not made here. */
const CursorTupleSchema = z.tuple([z.string(), anySortValue, z.string().min(1)]);

/**
 * The sort value a cursor may carry for a column: the column's own type, so a forged
 * cursor cannot compare an integer column with text (or text with a number).
 */
function sortValueFor(column: SQLiteColumn): z.ZodType<SortValue> {
  if (column.columnType === "SQLiteInteger") return z.number().int();
  if (column.dataType === "number") return z.number();
  if (column.dataType === "string") return z.string();
  return anySortValue;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function encodeCursor(payload: CursorPayload): string {
  return toBase64Url(textEncoder.encode(JSON.stringify([payload.sort, payload.value, payload.id])));
}

const invalidCursor = (message: string) =>
  new ApiError("validation-error", {
    detail: "The cursor is not valid for this list",
    errors: [{ path: "query.cursor", message }],
  });

/**
 * Reads a cursor back. Everything in it came from the client, so it is checked as strictly
 * as a body: base64url of UTF-8 JSON, exactly `[sort, value, id]`, the value of the sort
 * column's type. `sorts` lists the sorts of this list; only those are named in an error,
 * so the message never echoes what the client made up.
 */
export function decodeCursor(
  cursor: string,
  sort: string,
  value: z.ZodType<SortValue> = anySortValue,
  sorts: readonly string[] = [sort],
): CursorPayload {
  let payload: CursorPayload;
  try {
    if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new Error("not base64url");
    const json: unknown = JSON.parse(textDecoder.decode(fromBase64Url(cursor)));
    const [cursorSort, cursorValue, id] = CursorTupleSchema.parse(json);
    payload = { sort: cursorSort, value: cursorValue, id };
  } catch {
    throw invalidCursor("Malformed cursor: pass back the nextCursor of the previous page");
  }
  if (payload.sort !== sort) {
    throw invalidCursor(
      sorts.includes(payload.sort)
        ? `This cursor was made for sort=${payload.sort}`
        : "This cursor was not made for this list",
    );
  }
  if (!value.safeParse(payload.value).success) {
    throw invalidCursor("Malformed cursor: pass back the nextCursor of the previous page");
  }
  return payload;
}

/**
 * The query parameters every list takes: `limit`, `cursor`, and `sort` over the given
 * fields (`-` prefix for descending).
 */
export function listQuerySchema<const F extends string>(
  sortFields: readonly [F, ...F[]],
  defaultSort: F | `-${F}`,
) {
  const sortValues = sortFields.flatMap((f) => [f, `-${f}`]) as [F | `-${F}`, ...(F | `-${F}`)[]];
  return z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT)
      .default(DEFAULT_LIMIT)
      .openapi({ description: `Page size, 1..${MAX_LIMIT}.`, example: DEFAULT_LIMIT }),
    cursor: z
      .string()
      .optional()
      .openapi({ description: "Opaque: the `nextCursor` of the previous page." }),
    sort: z
      .enum(sortValues)
      .default(defaultSort as never)
      .openapi({ description: "Sort field; `-` prefix for descending. Ties are broken by id." }),
  });
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  });

interface KeysetOptions<F extends string> {
  sort: F | `-${F}`;
  cursor: string | undefined;
  /** The column behind each sort field; each must be NOT NULL. */
  columns: Record<F, SQLiteColumn>;
  id: SQLiteColumn;
}

/**
 * A keyset page: `where` continues after the cursor, `orderBy` sorts by (field, id), and
 * `toPage` turns the `limit + 1` rows fetched into `{data, nextCursor}` — the extra row
 * only tells whether another page exists.
 */
export function keyset<F extends string>({ sort, cursor, columns, id }: KeysetOptions<F>) {
  const descending = sort.startsWith("-");
  const field = (descending ? sort.slice(1) : sort) as F;
  const column = columns[field];
  const order = descending ? desc : asc;
  const sorts = Object.keys(columns).flatMap((f) => [f, `-${f}`]);
  const after =
    cursor === undefined ? undefined : decodeCursor(cursor, sort, sortValueFor(column), sorts);
  return {
    // A row-value comparison, (field, id) > (value, id), lets SQLite seek straight into the
    // (field, id) index instead of scanning past the earlier pages.
    where:
      after &&
      (descending
        ? sql`(${column}, ${id}) < (${after.value}, ${after.id})`
        : sql`(${column}, ${id}) > (${after.value}, ${after.id})`),
    orderBy: [order(column), order(id)],
    /** `idOf` reads the tie-breaker from a row (the `id` column unless told otherwise). */
    toPage<Row extends Record<F, SortValue>>(
      rows: Row[],
      limit: number,
      idOf: (row: Row) => string = (row) => (row as unknown as { id: string }).id,
    ) {
      if (rows.length <= limit) return { data: rows, nextCursor: null };
      const data = rows.slice(0, limit);
      const last = data[data.length - 1]!;
      return { data, nextCursor: encodeCursor({ sort, value: last[field], id: idOf(last) }) };
    },
  };
}
