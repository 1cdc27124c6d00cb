import type { z } from "@hono/zod-openapi";
import { DOCS } from "./docs";
import { IfMatchHeaderSchema, IfNoneMatchAnyHeaderSchema, IfNoneMatchHeaderSchema } from "./etag";
import * as Status from "./http-status";
import { IdempotencyKeyHeaderSchema } from "./idempotency-key";
import { etagHeader, jsonBody, jsonContent, locationHeader, replayedHeader } from "./openapi";
import { problemResponses } from "./problem";

/**
 * The OpenAPI shape of the standard operations on a resource — their method, headers,
 * bodies and the answers their handlers give — written once. A route adds its path, tags,
 * summary and what is particular to it; what the app's middleware answers (400, 304,
 * 412, 413, 415, 422, 5xx) is derived from the request (src/lib/shared-responses.ts).
 */

type Schema = z.ZodType;
type Params = z.ZodObject<Record<string, z.ZodString>>;

/** A 201: the new resource, its Location and ETag, or the first answer replayed. */
const created = <R extends Schema>(resource: R) => ({
  description: DOCS
    ? "Created (or, with `Idempotent-Replayed: true`, the first answer replayed)"
    : "",
  headers: { ...locationHeader, ...etagHeader, ...replayedHeader },
  content: jsonContent(resource),
});

/** POST a new one: Idempotency-Key, 201 with Location and ETag; 409 on a duplicate. */
export const createOperation = <B extends Schema, R extends Schema>(body: B, resource: R) => ({
  method: "post" as const,
  request: { headers: IdempotencyKeyHeaderSchema, body: jsonBody(body) },
  responses: {
    [Status.CREATED]: created(resource),
    ...problemResponses(Status.CONFLICT),
  },
});

/** GET a keyset page. */
export const listOperation = <Q extends z.ZodObject, P extends Schema>(
  plural: string,
  query: Q,
  page: P,
) => ({
  method: "get" as const,
  request: { query },
  responses: {
    [Status.OK]: { description: DOCS ? `A page of ${plural}` : "", content: jsonContent(page) },
  },
});

/** GET what a resource holds (its items, its sellers): 404 when the resource is not there. */
export const heldListOperation = <P extends Params, Q extends z.ZodObject, L extends Schema>(
  plural: string,
  params: P,
  query: Q,
  list: L,
) => ({
  method: "get" as const,
  request: { params, query },
  responses: {
    [Status.OK]: { description: DOCS ? `The ${plural}` : "", content: jsonContent(list) },
    ...problemResponses(Status.NOT_FOUND),
  },
});

/** GET one: ETag (304 for a current If-None-Match), 404. */
export const readOperation = <P extends Params, R extends Schema>(
  noun: string,
  params: P,
  resource: R,
  etag: Record<"ETag", { $ref: string }> = etagHeader,
) => ({
  method: "get" as const,
  request: { params, headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: DOCS ? `The ${noun}` : "",
      headers: etag,
      content: jsonContent(resource),
    },
    ...problemResponses(Status.NOT_FOUND),
  },
});

/** PATCH: If-Match (412 when stale), 200 with the new ETag, 409 on a duplicate. */
export const updateOperation = <P extends Params, B extends Schema, R extends Schema>(
  params: P,
  body: B,
  resource: R,
) => ({
  method: "patch" as const,
  request: { params, headers: IfMatchHeaderSchema, body: jsonBody(body) },
  responses: {
    [Status.OK]: {
      description: DOCS ? "Updated" : "",
      headers: etagHeader,
      content: jsonContent(resource),
    },
    ...problemResponses(Status.NOT_FOUND, Status.CONFLICT),
  },
});

/**
 * PUT to an id the client chose: create (201, as POST: Location, ETag, Idempotency-Key) or
 * replace (200). If-Match makes it replace only, If-None-Match: * create only (412 when
 * not so); 404 for a row out of reach, 409 for a taken unique value or a deleted row's id.
 */
export const putOperation = <P extends Params, B extends Schema, R extends Schema>(
  params: P,
  body: B,
  resource: R,
) => ({
  method: "put" as const,
  request: {
    params,
    headers: IfMatchHeaderSchema.extend(IfNoneMatchAnyHeaderSchema.shape).extend(
      IdempotencyKeyHeaderSchema.shape,
    ),
    body: jsonBody(body),
  },
  responses: {
    [Status.OK]: {
      description: DOCS ? "Replaced, or already as sent (then nothing was written)" : "",
      headers: etagHeader,
      content: jsonContent(resource),
    },
    [Status.CREATED]: created(resource),
    ...problemResponses(Status.NOT_FOUND, Status.CONFLICT),
  },
});

/** DELETE: If-Match (412 when stale), 204. */
export const deleteOperation = <P extends Params>(params: P, deleted = "Deleted") => ({
  method: "delete" as const,
  request: { params, headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: deleted },
    ...problemResponses(Status.NOT_FOUND),
  },
});

/** A command on a resource (sign out everywhere, unlock): 204 when done, 404 when it is not there. */
export const commandOperation = <M extends "post" | "delete", P extends Params>(
  method: M,
  params: P,
  done: string,
) => ({
  method,
  request: { params },
  responses: {
    [Status.NO_CONTENT]: { description: done },
    ...problemResponses(Status.NOT_FOUND),
  },
});
