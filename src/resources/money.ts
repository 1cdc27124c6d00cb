import { z } from "@hono/zod-openapi";
import { DOCS } from "../lib/docs";

/**
 * A price: a non-negative integer of its `currency`, which the document states as a
 * 64-bit integer and in what unit.
 */
export const price = () =>
  z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000_000)
    .openapi({
      format: "int64",
      description: DOCS
        ? "In the product's `currency`, as an integer: whole Colombian pesos for COP (COP has " +
          "no cents); the minor unit (such as cents) for another currency."
        : "",
      example: 2500,
    });
