import type { Context } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { d1Session } from "./db/client";
import { limitBodySize, requireJsonBody } from "./lib/body-guards";
import { createRouter } from "./lib/create-router";
import { causeMessages, describeError } from "./lib/error-log";
import * as Status from "./lib/http-status";
import { API_BASE, registerOpenApi } from "./lib/openapi";
import { ApiError, problemKindFor, problemResponse } from "./lib/problem";
import { requestId } from "./lib/request-id";
import { requestLog } from "./lib/request-log";
import { authRouter } from "./routes/auth/auth.index";
import { establishmentsRouter } from "./routes/establishments/establishments.index";
import { healthRouter } from "./routes/health/health.index";
import { portfoliosRouter } from "./routes/portfolios/portfolios.index";
import { productsRouter } from "./routes/products/products.index";
import { usersRouter } from "./routes/users/users.index";
import { wellKnownRouter } from "./routes/well-known/well-known.index";

/** Headers a browser client may send and read across origins. */
const CORS_ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "If-Match",
  "If-None-Match",
  "Idempotency-Key",
  "X-Request-Id",
  "x-d1-bookmark",
];
const CORS_EXPOSE_HEADERS = [
  "ETag",
  "Location",
  "Retry-After",
  "Idempotent-Replayed",
  "X-Request-Id",
  "x-d1-bookmark",
  "WWW-Authenticate",
  "Server-Timing",
];

const allowedOrigins = (c: Context) =>
  (c.env.CORS_ORIGINS as string)
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);

/**
 * Failures of D1 or KV themselves (not of our SQL): the storage layer is down, overloaded
 * or unreachable. The client can retry, so they are 503s, not 500s. SQLite errors (a bad
 * statement, a constraint) are not in this list: those are bugs or handled conflicts.
 */
const DEPENDENCY_FAILURE =
  /network connection lost|overloaded|internal error|timed? ?out|too many requests queued|connection (reset|refused)|KV (GET|PUT|LIST|DELETE) failed|D1_ERROR: (?!.*SQLITE_)/i;

export function createApp() {
  const app = createRouter();

  app.use(requestId, requestLog);
  app.use(
    secureHeaders({
      // API responses are data, never documents: nothing may load or frame them.
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
      xFrameOptions: "DENY",
    }),
  );
  app.use(
    `${API_BASE}/*`,
    cors({
      origin: (origin, c) => (allowedOrigins(c).includes(origin) ? origin : null),
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: CORS_ALLOW_HEADERS,
      exposeHeaders: CORS_EXPOSE_HEADERS,
      maxAge: 600,
    }),
  );
  app.use(`${API_BASE}/*`, limitBodySize, requireJsonBody, d1Session);

  app.route(API_BASE, healthRouter);
  app.route(API_BASE, authRouter);
  app.route(API_BASE, usersRouter);
  app.route(API_BASE, productsRouter);
  app.route(API_BASE, establishmentsRouter);
  app.route(API_BASE, portfoliosRouter);
  app.route("/", wellKnownRouter);
  registerOpenApi(app);

  app.get("/", (c) => c.redirect("/docs/", Status.FOUND));

  app.notFound((c) =>
    problemResponse(c, "not-found", { detail: `No route for ${c.req.method} ${c.req.path}` }),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) return problemResponse(c, error.kind, error.options);
    // Hono's own HTTPExceptions (malformed JSON, …) mapped onto the problem kinds.
    const kind =
      error instanceof HTTPException && error.status < 500 && problemKindFor(error.status);
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
  });

  return app;
}
