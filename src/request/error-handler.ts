import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../lib/app-env";
import * as Status from "../lib/http-status";
import type { Text } from "../lib/language";
import { ApiError, problemKindFor, problemResponse } from "../lib/problem";
import { causeMessages, describeError } from "./error-log";

/**
 * Failures of D1 or KV themselves (not of our SQL): the storage layer is down, overloaded
 * or unreachable. The client can retry, so they are 503s, not 500s. SQLite errors (a bad
 * statement, a constraint) are not in this list: those are bugs or handled conflicts.
 */
const DEPENDENCY_FAILURE =
  /network connection lost|overloaded|internal error|timed? ?out|too many requests queued|connection (reset|refused)|KV (GET|PUT|LIST|DELETE) failed|D1_ERROR: (?!.*SQLITE_)/i;

/**
 * Every error becomes an RFC 9457 problem: ours as raised, Hono's mapped onto our kinds,
 * a storage outage as 503, anything else as a logged 500 that reveals nothing.
 */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return problemResponse(c, error.kind, error.options);
  // Hono's own HTTPExceptions (malformed JSON, …) mapped onto the problem kinds.
  const kind = error instanceof HTTPException && error.status < 500 && problemKindFor(error.status);
  if (kind) {
    const detail: Text =
      error.status === Status.BAD_REQUEST
        ? {
            en: "The request body is not valid JSON",
            es: "El cuerpo de la solicitud no es JSON válido",
          }
        : { en: error.message, es: error.message };
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
      detail: {
        en: "The database or session store did not answer; retry shortly.",
        es: "La base de datos o el almacén de sesiones no respondió; reintente en un momento.",
      },
      headers: { "Retry-After": "5" },
    });
  }
  return problemResponse(c, "internal-error", {
    detail: {
      en: "Something went wrong on our side. Quote the requestId to support.",
      es: "Algo falló de nuestro lado. Indique el requestId a soporte.",
    },
  });
};

/** A route as Hono lists it (`app.routes`): its method and its path pattern. */
interface RouteEntry {
  method: string;
  path: string;
}

/** `/api/v1/products/:id` → a RegExp matching the paths it serves. */
const pathPattern = (path: string) =>
  new RegExp(
    `^${path
      .split("/")
      .map((segment) =>
        segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("/")}$`,
  );

/**
 * No handler matched: 405 with `Allow` when the path exists under other methods (RFC 9110
 * §15.5.6), else 404. The methods come from the app's own routes, so they cannot drift.
 */
export function noRoute(routes: readonly RouteEntry[]): NotFoundHandler<AppEnv> {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    if (method === "ALL") continue;
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method);
    if (method === "GET") methods.add("HEAD");
    byPath.set(path, methods);
  }
  const patterns = [...byPath].map(([path, methods]) => ({
    pattern: pathPattern(path),
    allow: [...methods].sort().join(", "),
  }));
  return (c) => {
    const allow = patterns.find(({ pattern }) => pattern.test(c.req.path))?.allow;
    if (allow === undefined) {
      return problemResponse(c, "not-found", {
        detail: {
          en: `No route for ${c.req.method} ${c.req.path}`,
          es: `No hay una ruta para ${c.req.method} ${c.req.path}`,
        },
      });
    }
    return problemResponse(c, "method-not-allowed", {
      detail: {
        en: `${c.req.method} is not allowed here; use ${allow}`,
        es: `${c.req.method} no se permite aquí; use ${allow}`,
      },
      headers: { Allow: allow },
    });
  };
}
