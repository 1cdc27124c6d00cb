import { z } from "@hono/zod-openapi";
import { DOCS } from "./docs";
import { message } from "./validation";

const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/**
 * Free text stored exactly as sent (any Unicode, no trimming), but never blank and never
 * with control characters, which have no place in names or addresses.
 */
export const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/\S/, message("blank"))
    .regex(NO_CONTROL_CHARACTERS, message("controlCharacters"))
    // A lone surrogate (e.g. "\ud800" in JSON) has no UTF-8 form: storing it would not
    // give the same string back.
    .refine((value) => value.isWellFormed(), message("loneSurrogate"));

/** Emails are matched case-insensitively, so they are stored lower-cased. */
export const email = () =>
  z.email().max(254).toLowerCase().openapi({
    example: "ana.gomez@example.co",
  });

export const phone = () =>
  z
    .string()
    .regex(/^\+?[0-9][0-9 ()-]{5,22}[0-9]$/, message("phone"))
    .openapi({ example: "+57 300 555 0100" });

/** The id of a resource, as a body field, a filter or a path parameter. */
export const id = () => z.string().min(1).max(64);

/** Path parameters that are ids: `pathIds({ id: "portfolio", productId: "product" })`. */
export const pathIds = <const K extends string>(names: Record<K, string>) =>
  z.object(
    Object.fromEntries(
      Object.entries<string>(names).map(([param, thing]) => [
        param,
        id().openapi({
          param: { name: param, in: "path" },
          description: DOCS ? `The ${thing}'s id` : "",
        }),
      ]),
    ) as Record<K, z.ZodString>,
  );

/** The `{id}` path parameter of a resource. */
export const idParam = (thing: string) => pathIds({ id: thing });

/** A UUIDv7 (RFC 9562) in either case: version nibble 7, variant 10 (8, 9, a or b). */
const UUIDV7 =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/**
 * The `{id}` of a PUT that may create: an id the client made (an offline app mints its own
 * UUIDv7s), so it must be one; stored lower-cased, as the ids the API makes are.
 */
export const clientIdParam = (thing: string) =>
  z.object({
    id: z
      .string()
      .regex(UUIDV7, message("uuidv7"))
      .toLowerCase()
      .openapi({
        param: { name: "id", in: "path" },
        description: DOCS
          ? `The ${thing}'s id: a UUIDv7 (RFC 9562), yours when you create it.`
          : "",
        example: "0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90",
      }),
  });

/** An RFC 3339 UTC timestamp as the API writes them (`2026-11-26T21:05:42.123Z`). */
export const timestamp = () =>
  z.string().openapi({ format: "date-time", example: "2026-11-26T21:05:42.123Z" });

/** The timestamps every resource carries, as the API writes them. */
export const timestamps = () => ({ createdAt: timestamp(), updatedAt: timestamp() });

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, { message: message("currencyFormat"), abort: true })
    .refine((code) => CURRENCIES.has(code), message("currencyUnknown"))
    .openapi({ example: "COP" });

/** `updatedSince` list filter: an RFC 3339 instant, normalised to the stored UTC form. */
export const updatedSince = () =>
  z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value).toISOString())
    .optional()
    .openapi({ description: DOCS ? "Only rows changed at or after this instant (RFC 3339)." : "" });

/** The `q` filter of a list: a case-insensitive "contains" over the named fields. */
export const searchText = (fields: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: DOCS ? `Part of the ${fields}.` : "" });

/** A PATCH body: every field optional, unknown fields refused, at least one field sent. */
export const patchBody = <S extends z.ZodRawShape>(shape: S) =>
  z
    .strictObject(shape)
    .partial()
    .refine((body) => Object.keys(body).length > 0, message("someField"));
