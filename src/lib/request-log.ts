import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";

/** A request that takes this long is worth a line whatever it did (a seller would notice). */
export const SLOW_REQUEST_MS = 1000;

/**
 * Which requests get a line of their own: every error and refusal (4xx, 5xx) and every
 * slow request. A fast success does not: Workers Logs already records each invocation
 * (method, URL, status, its Ray ID, which is the request id when the client sent none),
 * every successful write is in the audit trail with its request id, actor, IP and user
 * agent, and a line per request was the largest fixed cost of a request
 * (docs/performance.md, "Log policy").
 */
export const shouldLog = (status: number, durationMs: number) =>
  status >= 400 || durationMs >= SLOW_REQUEST_MS;

/**
 * One structured JSON line per logged request, read by Workers Logs (observability). It
 * never carries headers, bodies or query strings, so no token, password or search term
 * leaks.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  const durationMs = Math.round(performance.now() - started);
  if (!shouldLog(status, durationMs)) return;
  const line = {
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    message: "request",
    method: c.req.method,
    path: c.req.path,
    status,
    durationMs,
    requestId: c.get("requestId"),
    userId: c.get("userId") ?? null,
    d1RoundTrips: c.get("d1RoundTrips") ?? 0,
  };
  console.log(JSON.stringify(line));
});
