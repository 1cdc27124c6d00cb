import type { OpenAPIHono } from "@hono/zod-openapi";
import { version } from "../../package.json";
import type { AppEnv } from "./app-env";
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
  { name: "Users", description: "Accounts of sellers, admins, support staff and analysts." },
  { name: "Products", description: "The catalogue: what sellers can sell, at list price." },
  {
    name: "Establishments",
    description: "The stores sellers visit. A seller sees only the establishments on their route.",
  },
  {
    name: "Portfolios",
    description: "Named selections of products, with optional prices, carried by establishments.",
  },
] as const;

/** The top of the OpenAPI 3.1 document; paths and components come from the routes. */
export function documentConfig(origin: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Portafolio API",
      version,
      description:
        "Backend for a national field-sales force: users, products, establishments " +
        "(the stores sellers visit) and portfolios (the products a store carries). " +
        "Errors are RFC 9457 problem details (`application/problem+json`) with a " +
        "`requestId`. Send `x-d1-bookmark` back on reads to read your own writes.",
    },
    servers: [{ url: origin, description: "This deployment" }],
    tags: [...tags],
  };
}

export function registerOpenApi(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_AUTH, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from `POST /api/v1/auth/login` (ES256, 15 minutes).",
  });
  app.openAPIRegistry.register("Problem", ProblemSchema);
  for (const kind of Object.keys(problemKinds) as ProblemKind[]) {
    const { status, title } = problemKinds[kind];
    app.openAPIRegistry.registerComponent("responses", problemComponentName(kind), {
      description: `${title} (\`${problemType(kind)}\`, ${status})`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
    });
  }
  app.doc31(OPENAPI_PATH, (c) => documentConfig(new URL(c.req.url).origin));
}

/** `content` of a JSON request or response body. */
export const jsonContent = <T>(schema: T) => ({ "application/json": { schema } });

export const etagHeader = {
  ETag: { schema: { type: "string" as const }, description: 'The version, as "<n>"' },
};
export const locationHeader = {
  Location: { schema: { type: "string" as const }, description: "URL of the new resource" },
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
