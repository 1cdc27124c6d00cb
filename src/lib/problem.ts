import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DOCS } from "./docs";
import * as Status from "./http-status";
import { type Language, negotiateLanguage, type Text } from "./language";

/**
 * RFC 9457 problem details. Every error the API returns is built here, from one table of
 * problem kinds, so `type`, `title` and `status` never disagree.
 */
export const problemKinds = {
  "validation-error": {
    status: Status.BAD_REQUEST,
    title: { en: "Request validation failed", es: "La solicitud no es válida" },
  },
  unauthorized: {
    status: Status.UNAUTHORIZED,
    title: { en: "Authentication required", es: "Se requiere iniciar sesión" },
  },
  forbidden: {
    status: Status.FORBIDDEN,
    title: { en: "Not allowed for this role", es: "Su rol no permite esta acción" },
  },
  "password-change-required": {
    status: Status.FORBIDDEN,
    title: {
      en: "Set a new password before anything else",
      es: "Defina una contraseña nueva antes de continuar",
    },
  },
  "not-found": {
    status: Status.NOT_FOUND,
    title: { en: "Resource not found", es: "No se encontró el recurso" },
  },
  conflict: {
    status: Status.CONFLICT,
    title: { en: "Conflict with the current state", es: "Conflicto con el estado actual" },
  },
  "sync-cursor-expired": {
    status: Status.GONE,
    title: {
      en: "The sync cursor is older than the change log: sync again from zero",
      es: "El cursor de sincronización es más antiguo que el registro de cambios: sincronice desde cero",
    },
  },
  "precondition-failed": {
    status: Status.PRECONDITION_FAILED,
    title: {
      en: "The resource has changed (If-Match is stale)",
      es: "El recurso cambió (If-Match está desactualizado)",
    },
  },
  "payload-too-large": {
    status: Status.PAYLOAD_TOO_LARGE,
    title: { en: "Request body too large", es: "El cuerpo de la solicitud es demasiado grande" },
  },
  "unsupported-media-type": {
    status: Status.UNSUPPORTED_MEDIA_TYPE,
    title: { en: "Request body must be JSON", es: "El cuerpo de la solicitud debe ser JSON" },
  },
  "method-not-allowed": {
    status: Status.METHOD_NOT_ALLOWED,
    title: { en: "Method not allowed", es: "Método no permitido" },
  },
  "idempotency-key-reused": {
    status: Status.UNPROCESSABLE_CONTENT,
    title: {
      en: "Idempotency-Key reused with a different request",
      es: "Idempotency-Key reutilizada con otra solicitud",
    },
  },
  "failed-dependency": {
    status: Status.FAILED_DEPENDENCY,
    title: {
      en: "Not run: an operation it depends on failed",
      es: "No se ejecutó: falló una operación de la que depende",
    },
  },
  "rate-limited": {
    status: Status.TOO_MANY_REQUESTS,
    title: { en: "Too many requests", es: "Demasiadas solicitudes" },
  },
  "internal-error": {
    status: Status.INTERNAL_SERVER_ERROR,
    title: { en: "Internal server error", es: "Error interno del servidor" },
  },
  "service-unavailable": {
    status: Status.SERVICE_UNAVAILABLE,
    title: { en: "A dependency is unavailable", es: "Un servicio del que dependemos no responde" },
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: Text }>;

export type ProblemKind = keyof typeof problemKinds;
export type ProblemStatus = (typeof problemKinds)[ProblemKind]["status"];

export const problemType = (kind: ProblemKind) => `/problems/${kind}` as const;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({
      description: DOCS
        ? "JSON Pointer into the body (`/items/3/productId`), or `query.<name>`, `path.<name>`, `header.<name>`."
        : "",
      example: "/price",
    }),
    message: z.string().openapi({
      description: DOCS ? "For a person, in the language of `Content-Language`." : "",
      example: "price must be a whole number",
    }),
  })
  .openapi("FieldError");

/** A field error before it is written out in the caller's language. */
export interface FieldError {
  path: string;
  message: Text;
}

export const ProblemSchema = z
  .object({
    type: z
      .enum((Object.keys(problemKinds) as ProblemKind[]).map(problemType) as [string, ...string[]])
      .openapi({ description: DOCS ? "Stable identifier of the kind of problem." : "" }),
    title: z
      .string()
      .openapi({ description: DOCS ? "In the language of `Content-Language`." : "" }),
    status: z
      .number()
      .int()
      .openapi({
        description: DOCS ? "Equals the HTTP status." : "",
        minimum: 400,
        maximum: 599,
        example: 404,
      }),
    detail: z.string().optional(),
    instance: z
      .string()
      .openapi({ description: DOCS ? "The request path." : "", example: "/api/v1/products" }),
    requestId: z
      .string()
      .openapi({ description: DOCS ? "Same as the X-Request-Id response header." : "" }),
    errors: z.array(FieldErrorSchema).optional(),
    currentVersion: z
      .number()
      .int()
      .optional()
      .openapi({
        description: DOCS ? "On 412: the resource's current version." : "",
        minimum: 1,
        example: 4,
      }),
    passwordChangeToken: z
      .string()
      .optional()
      .openapi({
        description: DOCS
          ? "On `password-change-required`: the bearer token for `POST /auth/password`, and for nothing else."
          : "",
      }),
    expiresIn: z
      .number()
      .int()
      .optional()
      .openapi({
        description: DOCS ? "On `password-change-required`: seconds the token is valid." : "",
        example: 600,
      }),
    dependents: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({
        description: DOCS
          ? "On a 409 to a DELETE: how many live rows still depend on the resource."
          : "",
        example: 3,
      }),
    dependsOn: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({
        description: DOCS
          ? "On `failed-dependency` (an operation of `POST /batch` that was not run): the index of the failed operation it depends on."
          : "",
        example: 0,
      }),
  })
  .openapi("Problem", {
    description: DOCS
      ? `RFC 9457 problem details. Kinds: ${Object.entries(problemKinds)
          .map(
            ([kind, { status, title }]) =>
              `\`${problemType(kind as ProblemKind)}\` (${status}, ${title.en})`,
          )
          .join("; ")}.`
      : "",
  });
export type Problem = z.infer<typeof ProblemSchema>;

export interface ProblemOptions {
  detail?: Text;
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
    super((options.detail ?? problemKinds[kind].title).en);
    this.name = "ApiError";
    this.kind = kind;
    this.options = options;
  }
}

/**
 * The problem as the caller reads it: titles, details and messages in the language of
 * `Accept-Language` (named by `Content-Language`); `type`, paths and codes never change.
 */
export function problemResponse(c: Context, kind: ProblemKind, options: ProblemOptions = {}) {
  const { status } = problemKinds[kind];
  const language = negotiateLanguage(c.req.header("Accept-Language"));
  const body = problemBody(kind, options, {
    instance: c.req.path,
    requestId: c.get("requestId"),
    language,
  });
  for (const [name, value] of Object.entries(options.headers ?? {})) c.header(name, value);
  c.header("Content-Type", PROBLEM_CONTENT_TYPE);
  c.header("Content-Language", language);
  c.header("Vary", "Accept-Language", { append: true });
  return c.body(JSON.stringify(body), status);
}

/**
 * A problem's body, for the request it answers (`instance`, `requestId`) in `language`:
 * a response's (`problemResponse`), or one operation's result inside another answer (an
 * operation of `POST /batch` that was not run).
 */
export function problemBody(
  kind: ProblemKind,
  options: Omit<ProblemOptions, "headers">,
  about: { instance: string; requestId: string; language: Language },
): Problem {
  const { status, title } = problemKinds[kind];
  const { language } = about;
  return {
    type: problemType(kind),
    title: title[language],
    status,
    ...(options.detail !== undefined && { detail: options.detail[language] }),
    instance: about.instance,
    requestId: about.requestId,
    ...(options.errors !== undefined && {
      errors: options.errors.map(({ path, message }) => ({ path, message: message[language] })),
    }),
    ...options.extensions,
  };
}

/** Name of the reusable OpenAPI response for a kind: `not-found` → `NotFound`. */
export const problemComponentName = (kind: ProblemKind) =>
  kind.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

/** The general kind of each status (the first listed: 403 is `forbidden`). */
const kindByStatus = new Map<number, ProblemKind>();
for (const kind of Object.keys(problemKinds) as ProblemKind[]) {
  if (!kindByStatus.has(problemKinds[kind].status))
    kindByStatus.set(problemKinds[kind].status, kind);
}

/** The problem kind of an HTTP status. */
export const problemKindFor = (status: number): ProblemKind | undefined => kindByStatus.get(status);

/** The OpenAPI response of one problem kind, as a ref to its component. */
export const problemResponseRef = (kind: ProblemKind) => ({
  $ref: `#/components/responses/${problemComponentName(kind)}`,
});

/** OpenAPI responses for the problems a route can return, as refs to the components. */
export function problemResponses(...statuses: ProblemStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, problemResponseRef(kindByStatus.get(status)!)]),
  );
}
