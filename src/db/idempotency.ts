import { z } from "@hono/zod-openapi";
import { and, eq, lt } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { hmacSha256Hex } from "../lib/encoding";
import { etagFor } from "../lib/etag";
import * as Status from "../lib/http-status";
import { ApiError } from "../lib/problem";
import { uniqueViolation } from "./errors";
import { idempotencyKeys } from "./schema";

/**
 * Idempotent creates (IETF Idempotency-Key draft). The key record is inserted in the
 * same atomic batch as the create, holding the response, so:
 * - the first request creates and records in one step (no extra round trip);
 * - a retry's batch fails on the key's primary key and rolls back; the stored response
 *   is then replayed byte for byte with `Idempotent-Replayed: true` (422 if the key
 *   came with a different request);
 * - a concurrent duplicate cannot create twice, and never sees a half-done state: it
 *   replays the committed response; a failed first attempt stores nothing.
 */
export const IDEMPOTENCY_TTL_MS = 7 * 24 * 3600 * 1000;

export const IdempotencyKeyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7e]+$/, "Expected 1–255 printable ASCII characters")
    .optional()
    .openapi({
      description:
        "Makes the create safe to retry for 7 days: the same key and body replay the first " +
        "response (with `Idempotent-Replayed: true`); the same key with another body → 422.",
    }),
});

export interface Created<T extends { version: number }> {
  /** The new resource as the response shows it; its version becomes the ETag. */
  body: T;
  location: string;
}

/**
 * The request's fingerprint: an HMAC under a server secret, never a plain hash — a body
 * may hold a password (POST /users), and a plain SHA-256 of it kept for 7 days would be
 * a cheap offline guessing target.
 */
const fingerprint = async (c: Context) =>
  hmacSha256Hex(
    c.env.IDEMPOTENCY_HMAC_KEY,
    `${c.req.method} ${c.req.path}\n${JSON.stringify(await c.req.json())}`,
  );

/**
 * The stored answer for this request's Idempotency-Key, replayed (422 if the key came
 * with another request), or undefined when the key has none. Creates whose own checks
 * reject a request ask this first: the checks are about the data now, and a retry of a
 * request that already succeeded must get its first answer, not a new verdict.
 */
export async function replayRecorded(c: Context): Promise<Response | undefined> {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return undefined;
  const [stored] = await c.var.db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, c.var.auth.userId), eq(idempotencyKeys.key, key)));
  if (!stored || Date.parse(stored.expiresAt) < Date.now()) return undefined;
  if (stored.requestHash !== (await fingerprint(c))) {
    throw new ApiError("idempotency-key-reused", {
      detail: "This Idempotency-Key was used with a different request; use a new key",
      errors: [{ path: "header.idempotency-key", message: "Already used with another request" }],
    });
  }
  return c.body(stored.responseBody, stored.status as typeof Status.CREATED, {
    ...(stored.responseHeaders as Record<string, string>),
    "Content-Type": "application/json",
    "Idempotent-Replayed": "true",
  });
}

/**
 * Runs a create's batch and answers 201 with Location and ETag, honouring an
 * Idempotency-Key when the client sent one.
 */
export async function commitCreate<T extends { version: number }>(
  c: Context,
  created: Created<T>,
  statements: BatchItem<"sqlite">[],
): Promise<Response> {
  const db = c.var.db;
  const text = JSON.stringify(created.body);
  const headers = { Location: created.location, ETag: etagFor(created.body.version) };
  const key = c.req.header("Idempotency-Key");

  if (key === undefined) {
    const [first, ...rest] = statements;
    if (first) await db.batch([first, ...rest]);
  } else {
    const userId = c.var.auth.userId;
    const requestHash = await fingerprint(c);
    const now = Date.now();
    try {
      await db.batch([
        // An expired record no longer blocks its key.
        db
          .delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.userId, userId),
              eq(idempotencyKeys.key, key),
              lt(idempotencyKeys.expiresAt, new Date(now).toISOString()),
            ),
          ),
        db.insert(idempotencyKeys).values({
          userId,
          key,
          requestHash,
          status: Status.CREATED,
          responseHeaders: headers,
          responseBody: text,
          createdAt: new Date(now).toISOString(),
          expiresAt: new Date(now + IDEMPOTENCY_TTL_MS).toISOString(),
        }),
        ...statements,
      ]);
    } catch (error) {
      if (uniqueViolation(error) !== "idempotency_keys.user_id") throw error;
      const replay = await replayRecorded(c);
      if (!replay) throw error;
      return replay;
    }
  }
  return c.body(text, Status.CREATED, { ...headers, "Content-Type": "application/json" });
}
