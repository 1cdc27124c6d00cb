import { z } from "@hono/zod-openapi";

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
    .regex(/\S/, "Must not be blank")
    .regex(NO_CONTROL_CHARACTERS, "Must not contain control characters");

/** Emails are matched case-insensitively, so they are stored lower-cased. */
export const email = () =>
  z.email({ message: "Expected an email address" }).max(254).toLowerCase().openapi({
    example: "ana.gomez@example.co",
  });

export const phone = () =>
  z
    .string()
    .regex(/^\+?[0-9][0-9 ()-]{5,22}[0-9]$/, "Expected a phone number such as +57 601 555 0100")
    .openapi({ example: "+57 300 555 0100" });

export const idParam = (name: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name: "id", in: "path" }, description: `The ${name}'s id` }),
  });

/** An RFC 3339 UTC timestamp as the API writes them (`2026-11-26T21:05:42.123Z`). */
export const timestamp = () =>
  z.string().openapi({ format: "date-time", example: "2026-11-26T21:05:42.123Z" });
