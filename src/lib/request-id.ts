import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { uuidv7 } from "./ids";

export const MAX_REQUEST_ID_LENGTH = 128;
const CLIENT_REQUEST_ID = new RegExp(`^[A-Za-z0-9._-]{1,${MAX_REQUEST_ID_LENGTH}}$`);

/**
 * Echoes the caller's X-Request-Id when it is safe to log (1–128 of `[A-Za-z0-9._-]`), so
 * support can match a phone's error to a log line. Otherwise the id is Cloudflare's Ray ID
 * (`CF-Ray`, set by the edge, which Workers Logs records with every invocation, so a
 * request that wrote no line of its own is still found by it), or a fresh UUIDv7 where
 * there is none (locally).
 * Not `hono/request-id`: it accepts only `[\w\-=]`, so an id such as `phone-42.retry_1`
 * would be thrown away and the phone's log and ours would no longer meet.
 */
const safe = (id: string | undefined): id is string =>
  id !== undefined && CLIENT_REQUEST_ID.test(id);

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const given = c.req.header("X-Request-Id");
  const ray = c.req.header("CF-Ray");
  const id = safe(given) ? given : safe(ray) ? ray : uuidv7();
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
