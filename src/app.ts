import type { Context } from "hono";
import { except } from "hono/combine";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { IMPORT_ENTITIES } from "./import-entities";
import { drainUnreadBody, limitBodySize, requireJsonBody } from "./lib/body-guards";
import { createRouter } from "./lib/create-router";
import * as Status from "./lib/http-status";
import { API_BASE, registerOpenApi } from "./lib/openapi";
import { requestId } from "./lib/request-id";
import { requestLog } from "./lib/request-log";
import { d1Session } from "./request/d1-session";
import { handleError, noRoute } from "./request/error-handler";
import { provenance } from "./request/provenance";
import { auditEventsRouter } from "./routes/audit-events/audit-events.index";
import { authRouter } from "./routes/auth/auth.index";
import { createBatchRouter } from "./routes/batch/batch.index";
import { establishmentsRouter } from "./routes/establishments/establishments.index";
import { healthRouter } from "./routes/health/health.index";
import { createImportRouter } from "./routes/imports/imports.index";
import { portfoliosRouter } from "./routes/portfolios/portfolios.index";
import { productsRouter } from "./routes/products/products.index";
import { exportRouter } from "./routes/stats/export.index";
import { statsOverviewRouter } from "./routes/stats/overview.index";
import { syncRouter } from "./routes/sync/sync.index";
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
  "X-Captured-At",
  "X-Device-Id",
  "X-App-Version",
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

/** The invocation's ExecutionContext, which a call without one (a test's) lacks. */
function executionContext(c: Context) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

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
  // An import's upload is a file of up to 100 MiB that its handler streams itself.
  const upload = `${API_BASE}/imports/*`;
  app.use(`${API_BASE}/*`, except(upload, limitBodySize, requireJsonBody));
  app.use(upload, drainUnreadBody);
  app.use(`${API_BASE}/*`, provenance, d1Session);

  app.route(API_BASE, healthRouter);
  app.route(API_BASE, authRouter);
  app.route(API_BASE, usersRouter);
  app.route(API_BASE, productsRouter);
  app.route(API_BASE, establishmentsRouter);
  app.route(API_BASE, portfoliosRouter);
  app.route(API_BASE, auditEventsRouter);
  app.route(API_BASE, exportRouter);
  app.route(API_BASE, statsOverviewRouter);
  app.route(API_BASE, syncRouter);
  app.route(API_BASE, createImportRouter(IMPORT_ENTITIES));
  // Each operation of a batch goes through this very app, as a request of its own.
  app.route(
    API_BASE,
    createBatchRouter((request, c) =>
      Promise.resolve(app.fetch(request, c.env, executionContext(c))),
    ),
  );
  app.route("/", wellKnownRouter);
  registerOpenApi(app);

  app.get("/", (c) => c.redirect("/docs/", Status.FOUND));

  app.notFound(noRoute(app.routes));

  app.onError(handleError);

  return app;
}
