import { moneyAmount } from "../lib/fields";

/**
 * A price as the document states it: the rule is `moneyAmount()` (src/lib/fields.ts); this
 * says what a client needs to know of it — a 64-bit integer, and in what unit.
 */
export const price = () =>
  moneyAmount().openapi({
    format: "int64",
    description:
      "In the product's `currency`, as an integer: whole Colombian pesos for COP (COP has " +
      "no cents); the minor unit (such as cents) for another currency.",
    example: 2500,
  });
