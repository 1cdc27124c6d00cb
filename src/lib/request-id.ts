import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { uuidv7 } from "./ids";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Echoes the caller's X-Request-Id when it is safe to log (1–128 of `[A-Za-z0-9._-]`),
 * otherwise makes a fresh one, so support can match a phone's error to a log line.
 * Not `hono/request-id`: it accepts only `[\w\-=]`, so an id such as `phone-42.retry_1`
 * would be thrown away and the phone's log and ours would no longer meet.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const given = c.req.header("X-Request-Id");
  const id = given !== undefined && CLIENT_REQUEST_ID.test(given) ? given : uuidv7();
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
