import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";

/**
 * One structured JSON line per request, read by Workers Logs (observability). It never
 * carries headers, bodies or query strings, so no token, password or search term leaks.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  const line = {
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    message: "request",
    method: c.req.method,
    path: c.req.path,
    status,
    durationMs: Math.round(performance.now() - started),
    requestId: c.get("requestId"),
    userId: c.get("userId") ?? null,
    d1RoundTrips: c.get("d1RoundTrips") ?? 0,
  };
  console.log(JSON.stringify(line));
});
