import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import * as Status from "../../lib/http-status";
import { jsonBody, jsonContent } from "../../lib/openapi";
import {
  BatchRequestSchema,
  BatchResponseSchema,
  MAX_BODY_DEPTH,
  MAX_OPERATIONS,
} from "./batch.schemas";

export const run = protectedRoute(ALL_ROLES, {
  method: "post",
  path: "/batch",
  operationId: "runBatch",
  tags: ["Batch"],
  summary: DOCS ? "Replay writes recorded offline, in order" : "",
  description: DOCS
    ? [
        `1 to ${MAX_OPERATIONS} operations (POST, PUT, PATCH or DELETE on an \`/api/v1/\` path), ` +
          "applied in order, each as a request of its own through the whole API: its own " +
          "authentication (this request's bearer token), validation, role check, " +
          "Idempotency-Key (`idempotencyKey`), version check (`ifMatch`, `ifNoneMatch`) and " +
          "audit row (`capturedAt` as X-Captured-At; this request's X-Device-Id, X-App-Version " +
          "and Accept-Language go with every operation). Operation `i` has the request id " +
          "`<batch request id>.<i>`, in its audit rows and log lines, and reads what the " +
          "operations before it wrote (each gets the last one's `x-d1-bookmark`).",
        "Answers 207 with one result per operation, in order: its status, its ETag, Location, " +
          "Idempotent-Replayed and Content-Type headers, and its body. A 412 result also " +
          "carries `current`, the resource as it is now.",
        "**Failures.** An operation that fails (400 or more) does not stop the ones after it, " +
          "except those that depend on it: an operation whose path, or any string in whose " +
          "body, contains an id (a UUID segment) of the failed operation's path is not run and " +
          "gets 424 `failed-dependency` naming it (`dependsOn`). An operation not run counts " +
          "as failed, so this carries on down the chain.",
        "**Replaying a batch** creates nothing twice: creates with an `idempotencyKey` answer " +
          "their first answer (Idempotent-Replayed), and PUT, PATCH and DELETE are idempotent. " +
          "The whole request is at most 1 MiB (413); an operation's body nests at most " +
          `${MAX_BODY_DEPTH} levels. A bad operation (an unknown field, a path outside the ` +
          "rules) is a 400 for the whole batch, naming every error, and nothing runs; no or an " +
          "ended session is a 401 before anything runs.",
        "**Cost.** Server-Timing counts the D1 round trips of every operation (and of the GET " +
          "behind a `current`). The batch adds none of its own: its session check rides its " +
          "first operation's, except when that one's answer cannot vouch for the session " +
          "(401, 404, 405 or 5xx: one more round trip).",
      ].join("\n\n")
    : "",
  request: { body: jsonBody(BatchRequestSchema) },
  responses: {
    [Status.MULTI_STATUS]: {
      description: DOCS ? "One result per operation, in order" : "",
      content: jsonContent(BatchResponseSchema),
    },
  },
});
