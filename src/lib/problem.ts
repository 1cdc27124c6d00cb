import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as Status from "./http-status";

/**
 * RFC 9457 problem details. Every error the API returns is built here, from one table of
 * problem kinds, so `type`, `title` and `status` never disagree.
 */
export const problemKinds = {
  "validation-error": { status: Status.BAD_REQUEST, title: "Request validation failed" },
  unauthorized: { status: Status.UNAUTHORIZED, title: "Authentication required" },
  forbidden: { status: Status.FORBIDDEN, title: "Not allowed for this role" },
  "not-found": { status: Status.NOT_FOUND, title: "Resource not found" },
  conflict: { status: Status.CONFLICT, title: "Conflict with the current state" },
  "precondition-failed": {
    status: Status.PRECONDITION_FAILED,
    title: "The resource has changed (If-Match is stale)",
  },
  "payload-too-large": { status: Status.PAYLOAD_TOO_LARGE, title: "Request body too large" },
  "unsupported-media-type": {
    status: Status.UNSUPPORTED_MEDIA_TYPE,
    title: "Request body must be JSON",
  },
  "idempotency-key-reused": {
    status: Status.UNPROCESSABLE_CONTENT,
    title: "Idempotency-Key reused with a different request",
  },
  "rate-limited": { status: Status.TOO_MANY_REQUESTS, title: "Too many requests" },
  "internal-error": { status: Status.INTERNAL_SERVER_ERROR, title: "Internal server error" },
  "service-unavailable": {
    status: Status.SERVICE_UNAVAILABLE,
    title: "A dependency is unavailable",
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemKind = keyof typeof problemKinds;
export type ProblemStatus = (typeof problemKinds)[ProblemKind]["status"];

export const problemType = (kind: ProblemKind) => `/problems/${kind}` as const;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({
      description:
        "JSON Pointer into the body (`/items/3/productId`), or `query.<name>`, `path.<name>`, `header.<name>`.",
      example: "/price",
    }),
    message: z.string().openapi({ example: "Expected an integer ≥ 0" }),
  })
  .openapi("FieldError");
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const ProblemSchema = z
  .object({
    type: z
      .enum((Object.keys(problemKinds) as ProblemKind[]).map(problemType) as [string, ...string[]])
      .openapi({ description: "Stable identifier of the kind of problem." }),
    title: z.string(),
    status: z.number().int().openapi({
      description: "Equals the HTTP status.",
      minimum: 400,
      maximum: 599,
      example: 404,
    }),
    detail: z.string().optional(),
    instance: z.string().openapi({ description: "The request path.", example: "/api/v1/products" }),
    requestId: z.string().openapi({ description: "Same as the X-Request-Id response header." }),
    errors: z.array(FieldErrorSchema).optional(),
    currentVersion: z
      .number()
      .int()
      .optional()
      .openapi({ description: "On 412: the resource's current version.", minimum: 1, example: 4 }),
  })
  .openapi("Problem", {
    description: `RFC 9457 problem details. Kinds: ${Object.entries(problemKinds)
      .map(
        ([kind, { status, title }]) =>
          `\`${problemType(kind as ProblemKind)}\` (${status}, ${title})`,
      )
      .join("; ")}.`,
  });
export type Problem = z.infer<typeof ProblemSchema>;

export interface ProblemOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extension members, e.g. `currentVersion` on a 412. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Throw from anywhere in a request; `onError` turns it into a problem response. */
export class ApiError extends Error {
  readonly kind: ProblemKind;
  readonly options: ProblemOptions;

  constructor(kind: ProblemKind, options: ProblemOptions = {}) {
    super(options.detail ?? problemKinds[kind].title);
    this.name = "ApiError";
    this.kind = kind;
    this.options = options;
  }
}

export function problemResponse(c: Context, kind: ProblemKind, options: ProblemOptions = {}) {
  const { status, title } = problemKinds[kind];
  const body: Problem = {
    type: problemType(kind),
    title,
    status,
    ...(options.detail !== undefined && { detail: options.detail }),
    instance: c.req.path,
    requestId: c.get("requestId"),
    ...(options.errors !== undefined && { errors: options.errors }),
    ...options.extensions,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) c.header(name, value);
  c.header("Content-Type", PROBLEM_CONTENT_TYPE);
  return c.body(JSON.stringify(body), status);
}

/** Name of the reusable OpenAPI response for a kind: `not-found` → `NotFound`. */
export const problemComponentName = (kind: ProblemKind) =>
  kind.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

const kindByStatus = new Map<number, ProblemKind>(
  (Object.keys(problemKinds) as ProblemKind[]).map((kind) => [problemKinds[kind].status, kind]),
);

/** The problem kind of an HTTP status (each kind has its own status). */
export const problemKindFor = (status: number): ProblemKind | undefined => kindByStatus.get(status);

/** OpenAPI responses for the problems a route can return, as refs to the components. */
export function problemResponses(...statuses: ProblemStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { $ref: `#/components/responses/${problemComponentName(kindByStatus.get(status)!)}` },
    ]),
  );
}
