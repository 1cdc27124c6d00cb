import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { version } from "../../package.json";
import type { AppEnv } from "./app-env";
import "./docs";
import {
  PROBLEM_CONTENT_TYPE,
  type ProblemKind,
  ProblemSchema,
  problemComponentName,
  problemKinds,
  problemType,
} from "./problem";

export const API_BASE = "/api/v1";
export const OPENAPI_PATH = `${API_BASE}/openapi.json`;
export const BEARER_AUTH = "bearerAuth";

export const tags = [
  { name: "Health", description: "Liveness and readiness probes (no authentication)." },
  {
    name: "Auth",
    description:
      "Sign in, rotate tokens, sign out. Access tokens are ES256 JWTs (15 minutes); refresh " +
      "tokens are opaque and single use.",
  },
  {
    name: "Users",
    description: "Accounts of sellers, admins, support staff and analysts.",
  },
  {
    name: "Products",
    description: "The catalogue: what sellers can sell, at list price.",
  },
  {
    name: "Establishments",
    description: "The stores sellers visit. A seller sees only the establishments on their route.",
  },
  {
    name: "Portfolios",
    description: "Named selections of products, with optional prices, carried by establishments.",
  },
  {
    name: "Offline",
    description:
      "The change feed an offline app keeps its copy with: what changed in the caller's " +
      "scope since its last sync, with tombstones (docs/offline.md).",
  },
  {
    name: "Batch",
    description:
      "Writes a phone recorded offline, replayed in order in one request when signal returns.",
  },
  {
    name: "Imports",
    description:
      "Bulk loads of CSV and NDJSON files: the catalogue, stores, portfolios, sales routes " +
      "and users from the spreadsheets and ERP exports a company already has (docs/imports.md).",
  },
  {
    name: "Stats",
    description:
      "Figures and CSV exports for managers and analysts (the /dashboard page reads them).",
  },
] as const;

/**
 * The top of the OpenAPI 3.1 document; paths and components come from the routes.
 * `publicUrl` is the deployment's configured address (PUBLIC_URL), never the request's
 * Host: a forged Host must not aim a reader's "Try it out" at another server.
 */
export function documentConfig(publicUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Portafolio API",
      version,
      description: [
        "**Español.** La API de la fuerza de ventas en campo: los usuarios (vendedores, " +
          "administradores, soporte y analistas), el catálogo de productos, los " +
          "establecimientos que cada vendedor visita en su ruta y los portafolios de " +
          "productos, con precios en pesos colombianos, que maneja cada establecimiento. " +
          "Los vendedores la usan desde el celular, a menudo con mala señal, para cargar su " +
          "ruta y el portafolio de una tienda antes de cada visita.",
        "**English.** The API behind a national field-sales force: users (sellers, admins, " +
          "support staff and analysts), the product catalogue, the establishments (stores) " +
          "each seller visits on their route, and the portfolios of products, priced in " +
          "Colombian pesos, each store carries. Sellers use it from phones, often on a weak " +
          "signal, to load their route and a store's portfolio before each visit.",
        "Errors are RFC 9457 problem details (`application/problem+json`) with a " +
          "`requestId`. Send `x-d1-bookmark` back on reads to read your own writes.",
      ].join("\n\n"),
      contact: { name: "Portafolio API team" },
      // A private package with no LICENSE file: all rights reserved, and the document says so.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: publicUrl.replace(/\/+$/, ""), description: "This deployment" }],
    tags: [...tags],
  };
}

/**
 * Problems no operation answers with, so they have no response component (an unused one
 * fails the lint); the Problem schema lists their types. A 405 answers a method a path
 * does not have; a 424 is only ever one operation's result inside the 207 of `POST /batch`.
 */
export const KINDS_NO_OPERATION_ANSWERS = ["method-not-allowed", "failed-dependency"] as const;
type AnsweredKind = Exclude<ProblemKind, (typeof KINDS_NO_OPERATION_ANSWERS)[number]>;
const isAnswered = (kind: ProblemKind): kind is AnsweredKind =>
  !(KINDS_NO_OPERATION_ANSWERS as readonly ProblemKind[]).includes(kind);

export function registerOpenApi(app: OpenAPIHono<AppEnv>) {
  // The components only the document needs: built ahead of time, never by the Worker (the
  // flag itself, not DOCS: esbuild must see it false in this module to drop the function).
  if (globalThis.OPENAPI_DOCS) registerComponents(app);
  app.get(OPENAPI_PATH, serveDocument);
}

/** The shared components of the document: security scheme, headers, problem responses. */
function registerComponents(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_AUTH, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from `POST /api/v1/auth/login` (ES256, 15 minutes).",
  });
  for (const [name, header] of Object.entries(responseHeaders)) {
    app.openAPIRegistry.registerComponent("headers", name, header);
  }
  for (const [name, parameter] of Object.entries(requestHeaders)) {
    app.openAPIRegistry.registerComponent("parameters", name, { ...parameter, in: "header" });
  }
  app.openAPIRegistry.register("Problem", ProblemSchema);
  for (const kind of (Object.keys(problemKinds) as ProblemKind[]).filter(isAnswered)) {
    const { status, title } = problemKinds[kind];
    app.openAPIRegistry.registerComponent("responses", problemComponentName(kind), {
      description: `${title.en} (\`${problemType(kind)}\`, ${status})`,
      headers: {
        ...requestIdHeader,
        "Content-Language": headerRef("Content-Language"),
        ...problemHeaders[kind],
      },
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: "#/components/schemas/Problem" },
          example: {
            type: problemType(kind),
            title: title.en,
            status,
            ...problemExamples[kind],
            requestId: EXAMPLE_REQUEST_ID,
          },
        },
      },
    });
  }
}

/**
 * The OpenAPI document is generated when the Worker is built (scripts/build-openapi.ts,
 * run by wrangler's [build] and the test setup) from these same routes, into a static
 * asset: the Worker serves it without carrying the generator (wrangler.toml [alias],
 * src/zod-to-openapi.js) and names the configured server, never the request's Host.
 */
export const DOCUMENT_ASSET = "/docs/openapi.template.json";
export const SERVER_PLACEHOLDER = "https://public-url.invalid";

async function serveDocument(c: Context<AppEnv>) {
  const stored = await c.env.ASSETS.fetch(new URL(DOCUMENT_ASSET, c.req.url));
  if (!stored.ok) throw new Error(`${DOCUMENT_ASSET} is missing: the build generates it`);
  const document = (await stored.text()).replace(
    JSON.stringify(SERVER_PLACEHOLDER),
    JSON.stringify(c.env.PUBLIC_URL.replace(/\/+$/, "")),
  );
  return c.body(document, 200, { "Content-Type": "application/json; charset=utf-8" });
}

/** `content` of a JSON request or response body. */
export const jsonContent = <T>(schema: T) => ({ "application/json": { schema } });

const EXAMPLE_REQUEST_ID = "0193b6e2-7c1a-7d3e-9f00-5a1b2c3d4e5f";
const EXAMPLE_PRODUCT = "/api/v1/products/0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90";

interface DocumentedHeader {
  description: string;
  schema: { type: "string" | "integer"; [keyword: string]: unknown };
  example?: unknown;
}

/**
 * The response headers the API sends, documented once under `components/headers`. A
 * description is Markdown: a tag is written in backticks, never as a bare `<n>`.
 */
const responseHeaders = {
  "X-Request-Id": {
    description:
      "The caller's own X-Request-Id when it is 1–128 of `[A-Za-z0-9._-]`, else Cloudflare's " +
      "Ray ID of the request (a fresh UUIDv7 where there is none). The same id is the " +
      "`requestId` of a problem and is in the server's log line.",
    schema: { type: "string", pattern: "^[A-Za-z0-9._-]{1,128}$" },
    example: EXAMPLE_REQUEST_ID,
  },
  "x-d1-bookmark": {
    description:
      "The database session's latest bookmark. Send it back on your next read to see your " +
      "own writes even when a read replica answers.",
    schema: { type: "string" },
    example: "0000000a-00000004-00005040-6b3e5c1d9f0a2b4c6d8e0f1a2b3c4d5e",
  },
  ETag: {
    description:
      'The resource\'s version as a quoted integer, such as `"3"`. Send it back in If-Match ' +
      "to write only that version, or in If-None-Match to skip an unchanged download.",
    schema: { type: "string", pattern: '^"[0-9]{1,15}"$' },
    example: '"3"',
  },
  ContentETag: {
    description:
      "A weak tag over the exact bytes of an answer built from several rows, such as " +
      '`W/"5d41402abc4b2a76b9719d911017c592"`. Send it back in If-None-Match.',
    schema: { type: "string", pattern: '^W/"[0-9a-f]{32}"$' },
    example: 'W/"5d41402abc4b2a76b9719d911017c592"',
  },
  Location: {
    description: "The path of the new resource.",
    schema: { type: "string" },
    example: "/api/v1/products/0193b6e2-7c1a-7d3e-9f00-5a1b2c3d4e5f",
  },
  "Content-Disposition": {
    description: "A download's file name: the export's name and the UTC date of the request.",
    schema: { type: "string" },
    example: 'attachment; filename="products-2026-11-27.csv"',
  },
  "Idempotent-Replayed": {
    description:
      "`true` when this is the stored answer to an earlier request with the same " +
      "Idempotency-Key and body: nothing was created this time.",
    schema: { type: "string", enum: ["true"] },
  },
  "Retry-After": {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", minimum: 1, maximum: 86_400 },
    example: 60,
  },
  "Content-Language": {
    description:
      "The language of the problem's title, detail and messages: `es` when Accept-Language " +
      "asks for Spanish (`es`, `es-CO`, any `es-*`), else `en`.",
    schema: { type: "string", enum: ["en", "es"] },
    example: "es",
  },
  "WWW-Authenticate": {
    description:
      'The scheme to authenticate with (RFC 6750): `Bearer realm="portafolio"` when no ' +
      'token was sent, `Bearer error="invalid_token"` when the one sent is not valid.',
    schema: { type: "string" },
    example: 'Bearer error="invalid_token"',
  },
} satisfies Record<string, DocumentedHeader>;

/** Request headers every route may send, read by the app's middleware, not by a handler. */
// No `example` on these optional headers: the docs UI's Try it out would send it (a made-up
// bookmark, a Spanish preference) on every call; their descriptions show the form instead.
const requestHeaders = {
  AcceptLanguage: {
    name: "Accept-Language",
    description:
      "Spanish (`es`, `es-CO`, any `es-*`) or English (default) for error titles, details " +
      "and validation messages, e.g. `es-CO,es;q=0.9`. Codes (`type`, enum values, field " +
      "names) never change.",
    schema: { type: "string" as const },
  },
  RequestId: {
    name: "X-Request-Id",
    description:
      "Your id for this request, 1–128 of `[A-Za-z0-9._-]`: echoed back and logged, so " +
      "your log and ours meet. Anything else is replaced by a fresh id (never refused).",
    schema: { type: "string" as const },
  },
  D1Bookmark: {
    name: "x-d1-bookmark",
    description:
      "The `x-d1-bookmark` of an earlier answer: this read sees at least what that request " +
      "saw, such as your own writes. A malformed one is ignored (any replica answers).",
    schema: { type: "string" as const },
  },
};

export const requestIdParameter = { $ref: "#/components/parameters/RequestId" };
export const acceptLanguageParameter = { $ref: "#/components/parameters/AcceptLanguage" };
export const bookmarkParameter = { $ref: "#/components/parameters/D1Bookmark" };

type HeaderComponent = keyof typeof responseHeaders;
const headerRef = (component: HeaderComponent) => ({
  $ref: `#/components/headers/${component}`,
});

export const requestIdHeader = { "X-Request-Id": headerRef("X-Request-Id") };
export const bookmarkHeader = { "x-d1-bookmark": headerRef("x-d1-bookmark") };
/** The ETag of a versioned resource: `"3"`. */
export const etagHeader = { ETag: headerRef("ETag") };
/** The ETag of an answer composed of several rows: a weak hash of its bytes. */
export const contentEtagHeader = { ETag: headerRef("ContentETag") };
export const locationHeader = { Location: headerRef("Location") };
export const attachmentHeader = { "Content-Disposition": headerRef("Content-Disposition") };
export const replayedHeader = { "Idempotent-Replayed": headerRef("Idempotent-Replayed") };
const retryAfterHeader = { "Retry-After": headerRef("Retry-After") };

/** What a problem of each kind says, as the API words it (type, title, status: the table). */
const problemExamples: Record<AnsweredKind, Record<string, unknown>> = {
  "validation-error": {
    detail: "2 fields are invalid",
    instance: "/api/v1/products",
    errors: [
      { path: "/price", message: "price must be at least 0" },
      { path: "/unit", message: "unit must be one of: unit, pack, box, kg, l" },
    ],
  },
  unauthorized: {
    detail: "The access token is invalid or expired",
    instance: "/api/v1/products",
  },
  forbidden: {
    detail: "This action needs one of the roles: admin",
    instance: "/api/v1/products",
  },
  "password-change-required": {
    detail: "You signed in with a temporary password: choose a new password to continue",
    instance: "/api/v1/auth/login",
    passwordChangeToken: "eyJhbGciOiJFUzI1NiIsInR5cCI6InBhc3N3b3JkLWNoYW5nZStqd3QifQ…",
    expiresIn: 600,
  },
  "not-found": { detail: "No such product", instance: EXAMPLE_PRODUCT },
  "sync-cursor-expired": {
    detail:
      "The change log no longer reaches back to this cursor (it keeps 30 days): call GET /api/v1/sync without a cursor and replace the local copy",
    instance: "/api/v1/sync",
  },
  conflict: {
    detail: "sku is already taken",
    instance: "/api/v1/products",
    errors: [{ path: "/sku", message: "sku is already taken" }],
  },
  "precondition-failed": {
    detail: "The resource is at version 4; re-read it and retry.",
    instance: EXAMPLE_PRODUCT,
    currentVersion: 4,
  },
  "payload-too-large": {
    detail: "The request body exceeds 1048576 bytes",
    instance: "/api/v1/portfolios",
  },
  "unsupported-media-type": {
    detail: 'Send the body as application/json (got "text/plain")',
    instance: "/api/v1/products",
  },
  "idempotency-key-reused": {
    detail: "This Idempotency-Key was used with a different request; use a new key",
    instance: "/api/v1/products",
    errors: [
      {
        path: "header.idempotency-key",
        message: "idempotency-key was already used with another request",
      },
    ],
  },
  "rate-limited": {
    detail: "Too many sign-in attempts from this network; wait a minute",
    instance: "/api/v1/auth/login",
  },
  "internal-error": {
    detail: "Something went wrong on our side. Quote the requestId to support.",
    instance: "/api/v1/portfolios",
  },
  "service-unavailable": {
    detail: "The database or session store did not answer; retry shortly.",
    instance: "/api/v1/products",
  },
};

/** Headers a problem of each kind carries, beyond X-Request-Id. */
const problemHeaders: Partial<Record<ProblemKind, Record<string, { $ref: string }>>> = {
  unauthorized: { "WWW-Authenticate": headerRef("WWW-Authenticate") },
  // The current version, so the client can re-read or retry knowingly.
  "precondition-failed": etagHeader,
  "rate-limited": retryAfterHeader,
  "service-unavailable": retryAfterHeader,
};

/** A required JSON request body (without `required`, a missing Content-Type skips validation). */
export const jsonBody = <T>(schema: T) => ({ required: true, content: jsonContent(schema) });

/**
 * A JSON request body the route also takes absent: with no body (and no Content-Type) the
 * handler reads `{}`, so the schema must accept an empty object.
 */
export const optionalJsonBody = <T>(schema: T) => ({
  required: false,
  content: jsonContent(schema),
});
