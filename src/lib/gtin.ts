import { z } from "@hono/zod-openapi";
import { DOCS } from "./docs";
import { message } from "./validation";

/** GS1 check digit: weights 3,1,3,… from the right, excluding the check digit itself. */
export function hasValidGtinCheckDigit(gtin: string): boolean {
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits
    .reverse()
    .reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** A product barcode (GS1 GTIN-8/12/13/14) whose check digit is right. */
export const gtin = () =>
  z
    .string()
    .regex(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, { message: message("gtinFormat"), abort: true })
    .refine(hasValidGtinCheckDigit, message("gtinCheckDigit"))
    .openapi({
      description: DOCS ? "Barcode (GTIN-8/12/13/14) with a valid check digit." : "",
      example: "7702004003508",
    });
