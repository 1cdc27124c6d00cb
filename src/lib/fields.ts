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
    .regex(NO_CONTROL_CHARACTERS, "Must not contain control characters")
    // A lone surrogate (e.g. "\ud800" in JSON) has no UTF-8 form: storing it would not
    // give the same string back.
    .refine((value) => value.isWellFormed(), "Must be valid Unicode (no lone surrogates)");

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

/** GS1 check digit: weights 3,1,3,… from the right, excluding the check digit itself. */
export function hasValidGtinCheckDigit(gtin: string): boolean {
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits
    .reverse()
    .reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

export const gtin = () =>
  z
    .string()
    .regex(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, "Expected a GTIN of 8, 12, 13 or 14 digits")
    .refine(hasValidGtinCheckDigit, "The GTIN check digit is wrong")
    .openapi({
      description: "Barcode (GTIN-8/12/13/14) with a valid check digit.",
      example: "7702004003508",
    });

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.lan|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[.*\])$/i;

/**
 * An https URL on a public host name. The API never fetches it (clients do), but it is
 * still refused when it points at loopback, private, link-local or IPv6-literal hosts, so
 * the catalogue cannot be used to aim apps at internal services (OWASP API7, SSRF).
 */
export const publicHttpsUrl = () =>
  z
    .string()
    .max(2048)
    .refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return (
        url.protocol === "https:" &&
        url.username === "" &&
        url.password === "" &&
        url.hostname.includes(".") &&
        !PRIVATE_HOST.test(url.hostname)
      );
    }, "Expected an https URL on a public host")
    .openapi({ format: "uri", example: "https://cdn.example.co/products/7702004003508.jpg" });

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, "Expected an ISO 4217 code such as COP")
    .refine((code) => CURRENCIES.has(code), "Unknown ISO 4217 currency")
    .openapi({ example: "COP" });

/** Money in minor units: a non-negative integer (COP has no cents in practice). */
export const minorUnits = () =>
  z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000_000)
    .openapi({ description: "Minor units of the currency.", example: 4500 });

/** `updatedSince` list filter: an RFC 3339 instant, normalised to the stored UTC form. */
export const updatedSince = () =>
  z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value).toISOString())
    .optional()
    .openapi({ description: "Only rows changed at or after this instant (RFC 3339)." });

const NIT_WEIGHTS = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];

/** DIAN's check digit (dígito de verificación) for a NIT's base number. */
export function nitCheckDigit(base: string): number {
  const sum = [...base]
    .reverse()
    .reduce((total, digit, i) => total + Number(digit) * NIT_WEIGHTS[i]!, 0);
  const remainder = sum % 11;
  return remainder > 1 ? 11 - remainder : remainder;
}

/**
 * A Colombian NIT: 6–10 digits with an optional `-d` check digit, which must be right
 * when given. Stored as `<digits>-<check digit>` so one company has one spelling.
 */
export const nit = () =>
  z
    .string()
    .regex(/^\d{6,10}(-\d)?$/, "Expected a NIT such as 900123456-7")
    .refine((value) => {
      const [base, check] = value.split("-");
      return check === undefined || nitCheckDigit(base!) === Number(check);
    }, "The NIT check digit is wrong")
    .transform((value) => {
      const base = value.split("-")[0]!;
      return `${base}-${nitCheckDigit(base)}`;
    })
    .openapi({
      description: "Colombian NIT, stored with its check digit.",
      example: "800197268-4",
    });

/** The `q` filter of a list: a case-insensitive "contains" over the named fields. */
export const searchText = (fields: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: `Part of the ${fields}.` });
