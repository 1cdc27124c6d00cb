import { z } from "@hono/zod-openapi";

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
