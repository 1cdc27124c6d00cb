import { z } from "@hono/zod-openapi";
import { DOCS } from "./docs";
import { message } from "./validation";

/** How long an Idempotency-Key record replays its first answer. */
export const IDEMPOTENCY_TTL_MS = 7 * 24 * 3600 * 1000;

/** An Idempotency-Key: 1–255 printable ASCII characters (the IETF draft's key, as we take it). */
export const idempotencyKey = () =>
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7e]+$/, message("idempotencyKey"));

export const IdempotencyKeyHeaderSchema = z.object({
  "idempotency-key": idempotencyKey()
    .optional()
    .openapi({
      description: DOCS
        ? "Makes the create safe to retry for 7 days: the same key and body replay the first " +
          "response (with `Idempotent-Replayed: true`); the same key with another body → 422."
        : "",
    }),
});
