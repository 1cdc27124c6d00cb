import { type RouteConfig, z } from "@hono/zod-openapi";
import { BODY_GUARD_STATUSES } from "./body-guards";
import { DOCS } from "./docs";
import * as Status from "./http-status";
import {
  acceptLanguageParameter,
  bookmarkHeader,
  bookmarkParameter,
  etagHeader,
  requestIdHeader,
  requestIdParameter,
} from "./openapi";
import { type ProblemStatus, problemResponses } from "./problem";

type Request = NonNullable<RouteConfig["request"]>;
type Responses = RouteConfig["responses"];
type DocumentedResponse = Responses[string];

/** The part of a route its contract is derived from. */
interface Contracted {
  method: string;
  request?: Request;
  responses: Responses;
}

/** The ETag header a documented response declares (a reference to a header component). */
function etagOf(response: DocumentedResponse | undefined): { $ref: string } | undefined {
  if (response === undefined || "$ref" in response) return undefined;
  const etag = response.headers instanceof z.ZodObject ? undefined : response.headers?.ETag;
  return typeof etag?.$ref === "string" ? { $ref: etag.$ref } : undefined;
}

/** The header names a route reads, lower-cased as Hono validates them. */
function headerNames(headers: Request["headers"]): string[] {
  if (headers === undefined) return [];
  if (headers instanceof z.ZodObject) return Object.keys(headers.shape).map((n) => n.toLowerCase());
  throw new Error("Declare a route's headers as one z.object, so its answers can be derived");
}

const hasFields = (schema: Request["query"]) =>
  schema !== undefined &&
  (!(schema instanceof z.ZodObject) || Object.keys(schema.shape).length > 0);

/**
 * On a read, If-None-Match is the one header that has no wrong value: a tag that is not the
 * current one is simply not a match. (A PUT takes only `*` in it, but has a body to validate.)
 */
const HEADERS_THAT_CANNOT_FAIL = new Set(["if-none-match"]);

/**
 * Does anything of the request get validated? Path ids have bounds, every query parameter
 * and body field a type; a header that can be malformed (If-Match, Idempotency-Key) too.
 */
function validates(request: Request): boolean {
  return (
    request.body !== undefined ||
    hasFields(request.params) ||
    hasFields(request.query) ||
    headerNames(request.headers).some((name) => !HEADERS_THAT_CANNOT_FAIL.has(name))
  );
}

export interface Touches {
  /** The route reads or writes D1 or KV (an authenticated one always does: its session). */
  storage: boolean;
}

/**
 * The answers a route gets from the app rather than from its own handler, derived from
 * what the route takes, so no route lists them by hand and none can forget one:
 *
 * - 400 when anything of the request is validated (the router's `defaultHook`, a cursor,
 *   a malformed If-Match);
 * - 413 and 415 when it takes a body (`limitBodySize`, `requireJsonBody`);
 * - 412 when it takes If-Match (a stale version) or is a write that takes If-None-Match
 *   (`*`, create only, and the resource exists); 304 when a read takes If-None-Match;
 * - 422 when it takes Idempotency-Key (the key reused with another body);
 * - 503 when it touches D1 or KV (the error handler maps their outages), and 500, the bug
 *   any route may have.
 */
function sharedResponses(config: Contracted, touches: Touches) {
  const { request } = config;
  const headers = new Set(headerNames(request?.headers));
  const read = config.method === "get";
  const problems: ProblemStatus[] = [];
  if (request !== undefined && validates(request)) problems.push(Status.BAD_REQUEST);
  if (request?.body !== undefined) problems.push(...BODY_GUARD_STATUSES);
  if (headers.has("if-match") || (!read && headers.has("if-none-match")))
    problems.push(Status.PRECONDITION_FAILED);
  if (headers.has("idempotency-key")) problems.push(Status.UNPROCESSABLE_CONTENT);
  problems.push(Status.INTERNAL_SERVER_ERROR);
  if (touches.storage) problems.push(Status.SERVICE_UNAVAILABLE);
  return {
    ...(read &&
      headers.has("if-none-match") && {
        [Status.NOT_MODIFIED]: {
          description: DOCS ? "Unchanged since the If-None-Match ETag: no body" : "",
          // The same tag as the full answer carries.
          headers: { ETag: etagOf(config.responses[Status.OK]) ?? etagHeader.ETag },
        },
      }),
    ...problemResponses(...problems),
  };
}

/**
 * The headers the app's middleware puts on every answer: X-Request-Id, and the D1
 * session's bookmark where D1 is used. Problem responses are components that carry
 * their own.
 */
function withAppHeaders<R extends Responses>(responses: R, touches: Touches): R {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      "$ref" in response
        ? response
        : {
            ...response,
            headers: {
              ...requestIdHeader,
              ...(touches.storage && bookmarkHeader),
              ...response.headers,
            },
          },
    ]),
  ) as R;
}

/**
 * What the app adds to a route's contract: the request headers its middleware reads
 * (X-Request-Id; x-d1-bookmark on reads), the answers it gives, and the headers it sets.
 */
export function appContract<C extends Contracted>(config: C, touches: Touches) {
  const reads = config.method === "get" && touches.storage;
  return {
    parameters: [
      requestIdParameter,
      acceptLanguageParameter,
      ...(reads ? [bookmarkParameter] : []),
    ],
    responses: withAppHeaders(
      { ...config.responses, ...sharedResponses(config, touches) },
      touches,
    ),
  };
}
