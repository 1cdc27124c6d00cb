import { and, eq, lt } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { isLoggedEntity, logChange } from "../db/change-log";
import { uniqueViolation } from "../db/errors";
import { idempotencyKeys } from "../db/schema";
import { hmacSha256Hex } from "../lib/encoding";
import { etagFor } from "../lib/etag";
import * as Status from "../lib/http-status";
import { IDEMPOTENCY_TTL_MS } from "../lib/idempotency-key";
import { ApiError } from "../lib/problem";
import { audit, diff } from "./audit";
import { conflictOnUnique } from "./unique-conflict";
import type { Target } from "./versioned-write";

/*
 * Idempotent creates (IETF Idempotency-Key draft). The key record is inserted in the
 * same atomic batch as the create, holding the response, so:
 * - the first request creates and records in one step (no extra round trip);
 * - a retry's batch fails on the key's primary key and rolls back; the stored response
 *   is then replayed byte for byte with `Idempotent-Replayed: true` (422 if the key
 *   came with a different request);
 * - a concurrent duplicate cannot create twice, and never sees a half-done state: it
 *   replays the committed response; a failed first attempt stores nothing.
 */

export interface Created<T extends { version: number }> {
  /** The new row: it names the audit row (`product.created`); its unique fields give 409s. */
  target: Target;
  /** The new resource as the response shows it; its version becomes the ETag. */
  body: T;
  location: string;
  /** The INSERTs, written in one atomic batch with the audit row. */
  inserts: BatchItem<"sqlite">[];
  /** The fields of the new resource the audit row records. */
  audited: Record<string, unknown>;
}

/** Who the key belongs to: Idempotency-Key records are per user. */
function actor(c: Context): string {
  const userId = c.get("userId");
  if (userId === undefined) throw new Error("An idempotent create needs an authenticated caller");
  return userId;
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
    .where(and(eq(idempotencyKeys.userId, actor(c)), eq(idempotencyKeys.key, key)));
  if (!stored || Date.parse(stored.expiresAt) < Date.now()) return undefined;
  if (stored.requestHash !== (await fingerprint(c))) {
    throw new ApiError("idempotency-key-reused", {
      detail: {
        en: "This Idempotency-Key was used with a different request; use a new key",
        es: "Esta Idempotency-Key se usó con otra solicitud; use una clave nueva",
      },
      errors: [
        {
          path: "header.idempotency-key",
          message: {
            en: "idempotency-key was already used with another request",
            es: "idempotency-key ya se usó con otra solicitud",
          },
        },
      ],
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
 * Idempotency-Key when the client sent one; a unique index the create violates is a 409.
 */
export async function commitCreate<T extends { version: number }>(
  c: Context,
  created: Created<T>,
): Promise<Response> {
  try {
    return await recordedCreate(c, created);
  } catch (error) {
    const { uniqueFields } = created.target;
    if (uniqueFields) conflictOnUnique(error, uniqueFields);
    throw error;
  }
}

async function recordedCreate<T extends { version: number }>(
  c: Context,
  { target, body, location, inserts, audited }: Created<T>,
): Promise<Response> {
  const db = c.var.db;
  const text = JSON.stringify(body);
  const headers = { Location: location, ETag: etagFor(body.version) };
  const key = c.req.header("Idempotency-Key");
  const { entityType, entityId } = target;
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    audit(c, {
      action: `${entityType}.created`,
      entityType,
      entityId,
      changes: diff({}, audited),
    }),
    ...inserts,
    ...(isLoggedEntity(entityType)
      ? [
          logChange(
            db,
            { entityType, entityId, op: "upsert" },
            body.version,
            new Date().toISOString(),
          ),
        ]
      : []),
  ];

  if (key === undefined) {
    await db.batch(statements);
  } else {
    const userId = actor(c);
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
