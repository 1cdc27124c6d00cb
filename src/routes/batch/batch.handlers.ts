import type { Context } from "hono";
import { sessionCheckedBy } from "../../auth/middleware";
import { ALL_ROLES } from "../../auth/route";
import type { AppEnv } from "../../lib/app-env";
import * as Status from "../../lib/http-status";
import { negotiateLanguage } from "../../lib/language";
import { problemBody } from "../../lib/problem";
import { PROVENANCE_HEADERS } from "../../lib/provenance";
import { MAX_REQUEST_ID_LENGTH } from "../../lib/request-id";
import type { AppRouteHandler } from "../../lib/types";
import { BOOKMARK_HEADER, onBehalf } from "../../request/d1-session";
import { dependencyOf, type Failure, idsNamedBy } from "./batch.dependencies";
import type * as routes from "./batch.routes";
import type { BatchOperation, BatchResult } from "./batch.schemas";

/**
 * Sends a request through the whole app, its middleware and routing, as if it came from
 * outside, with the bindings and execution context of `c`. app.ts passes it in: a route
 * folder may not import the app.
 */
export type Dispatch = (request: Request, c: Context<AppEnv>) => Promise<Response>;

/** Headers of the batch request every operation carries as its own. */
const FORWARDED = [
  "Authorization",
  "Accept-Language",
  "User-Agent",
  "CF-Connecting-IP",
  PROVENANCE_HEADERS.deviceId,
  PROVENANCE_HEADERS.appVersion,
];

/** The answer headers a result carries. */
const RESULT_HEADERS = ["ETag", "Location", "Idempotent-Replayed", "Content-Type"] as const;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/** `<batch request id>.<index>`, the batch's id cut short where both would pass 128. */
function operationRequestId(c: Context<AppEnv>, index: number) {
  const suffix = `.${index}`;
  return `${c.var.requestId.slice(0, MAX_REQUEST_ID_LENGTH - suffix.length)}${suffix}`;
}

/** The fields of an operation sent as its request's headers. */
const OPERATION_HEADERS = {
  idempotencyKey: "Idempotency-Key",
  ifMatch: "If-Match",
  ifNoneMatch: "If-None-Match",
  capturedAt: PROVENANCE_HEADERS.capturedAt,
} as const;

/**
 * Operation `index`'s request: the batch's forwarded headers, its own request id, the
 * bookmark of the last answer (to read what the operations before it wrote), and the
 * operation's own headers and body.
 */
function operationRequest(
  c: Context<AppEnv>,
  index: number,
  operation: Omit<BatchOperation, "method"> & { method: BatchOperation["method"] | "GET" },
): Request {
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = c.req.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  headers.set("X-Request-Id", operationRequestId(c, index));
  if (c.var.onBehalfBookmark) headers.set(BOOKMARK_HEADER, c.var.onBehalfBookmark);
  for (const [field, name] of Object.entries(OPERATION_HEADERS)) {
    const value = operation[field as keyof typeof OPERATION_HEADERS];
    if (value !== undefined) headers.set(name, value);
  }
  const { method, path, body } = operation;
  if (body !== undefined) headers.set("Content-Type", "application/json");
  return new Request(new URL(path, c.req.url), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The answer's body, parsed when it is JSON; null when it has none. */
async function bodyOf(answer: Response): Promise<unknown> {
  const text = await answer.text();
  const type = answer.headers.get("Content-Type") ?? "";
  return text !== "" && JSON_MEDIA_TYPE.test(type) ? JSON.parse(text) : null;
}

async function resultOf(index: number, answer: Response): Promise<BatchResult> {
  const headers: BatchResult["headers"] = {};
  for (const name of RESULT_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) Object.assign(headers, { [name]: value });
  }
  return { index, status: answer.status, headers, body: await bodyOf(answer) };
}

/** The 424 of an operation not run because operation `on.index`, on `on.id`, failed. */
function notRun(
  c: Context<AppEnv>,
  index: number,
  operation: BatchOperation,
  on: { index: number; id: string },
): BatchResult {
  const body = problemBody(
    "failed-dependency",
    {
      detail: {
        en: `Not run: operation ${on.index}, on ${on.id}, did not succeed, and this one names it`,
        es: `No se ejecutó: la operación ${on.index}, sobre ${on.id}, no tuvo éxito, y esta la menciona`,
      },
      extensions: { dependsOn: on.index },
    },
    {
      instance: operation.path,
      requestId: operationRequestId(c, index),
      language: negotiateLanguage(c.req.header("Accept-Language")),
    },
  );
  return {
    index,
    status: Status.FAILED_DEPENDENCY,
    headers: { "Content-Type": "application/problem+json" },
    body,
  };
}

export const batchHandlers = (dispatch: Dispatch) => {
  /** One request through the app on the batch's behalf, accounted to it. */
  const send = async (c: Context<AppEnv>, request: Request) => {
    const answer = await dispatch(request, c);
    onBehalf(c, answer);
    return answer;
  };

  /** The resource an operation that got 412 was about, as it is now; null if out of reach. */
  const currentCopy = async (c: Context<AppEnv>, index: number, path: string) => {
    const answer = await send(c, operationRequest(c, index, { method: "GET", path }));
    const body = await bodyOf(answer);
    return answer.status === Status.OK ? body : null;
  };

  const run: AppRouteHandler<typeof routes.run> = async (c) => {
    const { operations } = c.req.valid("json");
    const results: BatchResult[] = [];
    const failures: Failure[] = [];
    for (const [index, operation] of operations.entries()) {
      const dependency = dependencyOf(operation, failures);
      if (dependency !== undefined) {
        results.push(notRun(c, index, operation, dependency));
        failures.push({ index, ids: idsNamedBy(operation.path) });
        continue;
      }
      const answer = await send(c, operationRequest(c, index, operation));
      // The first operation checks the batch's session too (src/auth/middleware.ts).
      if (index === 0) await sessionCheckedBy(c, ALL_ROLES, answer);
      const result = await resultOf(index, answer);
      if (answer.status === Status.PRECONDITION_FAILED) {
        result.current = await currentCopy(c, index, operation.path);
      }
      if (answer.status >= 400) failures.push({ index, ids: idsNamedBy(operation.path) });
      results.push(result);
    }
    return c.json({ results }, Status.MULTI_STATUS);
  };

  return { run };
};
