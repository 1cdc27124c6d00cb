import { z } from "@hono/zod-openapi";
import { DOCS } from "./docs";
import { message } from "./validation";

const NIT_WEIGHTS = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];

/** DIAN's check digit (dígito de verificación) for a NIT's base number. */
export function nitCheckDigit(base: string): number {
  const sum = [...base]
    .reverse()
    .reduce((total, digit, i) => total + Number(digit) * NIT_WEIGHTS[i]!, 0);
  const remainder = sum % 11;
  return remainder > 1 ? 11 - remainder : remainder;
}

/** A NIT as people write it: `800.197.268-4`, `800 197 268 - 4`, `8001972684`… */
const NIT_AS_WRITTEN = /^(\d{6,10})(?:-(\d))?$/;

/**
 * A Colombian NIT: 6–10 digits, written with or without dots and spaces, with an optional
 * `-d` check digit, which must be right when given. Stored as `<digits>-<check digit>`
 * so one company has one spelling; one error per field, never two.
 */
export const nit = () =>
  z
    .string()
    .transform((value, ctx) => {
      const match = NIT_AS_WRITTEN.exec(value.replace(/[.\s]/g, ""));
      if (!match) {
        ctx.addIssue({ code: "custom", message: message("nitFormat") });
        return z.NEVER;
      }
      const [, base, check] = match as unknown as [string, string, string | undefined];
      const digit = nitCheckDigit(base);
      if (check !== undefined && Number(check) !== digit) {
        ctx.addIssue({ code: "custom", message: message("nitCheckDigit") });
        return z.NEVER;
      }
      return `${base}-${digit}`;
    })
    .openapi({
      type: "string",
      description: DOCS
        ? "Colombian NIT, as people write it (`800.197.268-4`, `800197268`); stored as digits, " +
          "a hyphen and the check digit (`800197268-4`)."
        : "",
      example: "800.197.268-4",
    });
