import { z } from "@hono/zod-openapi";
import { DOCS } from "./docs";
import { base64url } from "./jwt";
import type { Text } from "./language";
import { ApiError } from "./problem";

/**
 * The HTTP side of keyset pagination (the SQL is src/db/keyset.ts): the `limit`, `cursor`
 * and `sort` parameters every list takes, the page shape, and the opaque cursor — made
 * here and read back as strictly as a body.
 */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export type SortValue = string | number;

interface CursorPayload {
  /** The sort the cursor was made for; reusing it under another sort is a 400. */
  sort: string;
  value: SortValue;
  id: string;
}

export const anySortValue = z.union([z.string(), z.number()]);

/** Exactly `[sort, value, id]`: a cursor with more or fewer parts was not made here. */
const CursorTupleSchema = z.tuple([z.string(), anySortValue, z.string().min(1)]);

const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function encodeCursor(payload: CursorPayload): string {
  return base64url.encode(JSON.stringify([payload.sort, payload.value, payload.id]));
}

const MALFORMED_CURSOR: Text = {
  en: "Malformed cursor: pass back the nextCursor of the previous page",
  es: "Cursor mal formado: envíe el nextCursor de la página anterior",
};

const invalidCursor = (message: Text) =>
  new ApiError("validation-error", {
    detail: {
      en: "The cursor is not valid for this list",
      es: "El cursor no es válido para esta lista",
    },
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
    const json: unknown = JSON.parse(textDecoder.decode(base64url.decode(cursor)));
    const [cursorSort, cursorValue, id] = CursorTupleSchema.parse(json);
    payload = { sort: cursorSort, value: cursorValue, id };
  } catch {
    throw invalidCursor(MALFORMED_CURSOR);
  }
  if (payload.sort !== sort) {
    throw invalidCursor(
      sorts.includes(payload.sort)
        ? {
            en: `This cursor was made for sort=${payload.sort}`,
            es: `Este cursor se hizo para sort=${payload.sort}`,
          }
        : { en: "This cursor was not made for this list", es: "Este cursor no es de esta lista" },
    );
  }
  if (!value.safeParse(payload.value).success) {
    throw invalidCursor(MALFORMED_CURSOR);
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
      .openapi({ description: DOCS ? `Page size, 1..${MAX_LIMIT}.` : "", example: DEFAULT_LIMIT }),
    cursor: z
      .string()
      .optional()
      .openapi({ description: DOCS ? "Opaque: the `nextCursor` of the previous page." : "" }),
    sort: z
      .enum(sortValues)
      .default(defaultSort as never)
      .openapi({
        description: DOCS ? "Sort field; `-` prefix for descending. Ties are broken by id." : "",
      }),
  });
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .openapi({
        description: DOCS ? "Pass as `cursor` for the next page; null on the last page." : "",
      }),
  });
