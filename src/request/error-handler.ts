import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../lib/app-env";
import * as Status from "../lib/http-status";
import { ApiError, problemKindFor, problemResponse } from "../lib/problem";
import { causeMessages, describeError } from "./error-log";

/**
 * Failures of D1 or KV themselves (not of our SQL): the storage layer is down, overloaded
 * or unreachable. The client can retry, so they are 503s, not 500s. SQLite errors (a bad
 * statement, a constraint) are not in this list: those are bugs or handled conflicts.
 */
const DEPENDENCY_FAILURE =
  /network connection lost|overloaded|internal error|timed? ?out|too many requests queued|connection (reset|refused)|KV (GET|PUT|LIST|DELETE) failed|D1_ERROR: (?!.*SQLITE_)/i;

/**
 * Every error becomes an RFC 9457 problem: ours as raised, Hono's mapped onto our kinds,
 * a storage outage as 503, anything else as a logged 500 that reveals nothing.
 */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return problemResponse(c, error.kind, error.options);
  // Hono's own HTTPExceptions (malformed JSON, …) mapped onto the problem kinds.
  const kind = error instanceof HTTPException && error.status < 500 && problemKindFor(error.status);
  if (kind) {
    const detail =
      error.status === Status.BAD_REQUEST ? "The request body is not valid JSON" : error.message;
    return problemResponse(c, kind, { detail });
  }
  // Read through the cause chain: a failed query's own message carries its bound values.
  const unavailable = causeMessages(error).some((message) => DEPENDENCY_FAILURE.test(message));
  // A 500 is a bug, a 503 an outage: log either with the request id, answer without internals.
  console.error(
    JSON.stringify({
      level: "error",
      message: unavailable ? "dependency unavailable" : "unhandled error",
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      ...describeError(error),
    }),
  );
  if (unavailable) {
    return problemResponse(c, "service-unavailable", {
      detail: "The database or session store did not answer; retry shortly.",
      headers: { "Retry-After": "5" },
    });
  }
  return problemResponse(c, "internal-error", {
    detail: "Something went wrong on our side. Quote the requestId to support.",
  });
};

/** An unknown path: a problem like every other error. */
export const noRoute: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, "not-found", { detail: `No route for ${c.req.method} ${c.req.path}` });
