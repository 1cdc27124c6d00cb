import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { idempotencyKey } from "../../lib/idempotency-key";
import { API_BASE } from "../../lib/openapi";
import { isCapturedAt } from "../../lib/provenance";
import { message } from "../../lib/validation";
import { jsonFacts } from "./batch.dependencies";

export const MAX_OPERATIONS = 100;
/** Deeper than any body of this API; also keeps re-serialising an operation's body safe. */
export const MAX_BODY_DEPTH = 32;

/**
 * A path the batch may send an operation to: under /api/v1, canonical (no `.` or `..`
 * segment, no percent-encoding, no query string: what is checked is what the router
 * sees), and neither the batch itself nor a sign-in route.
 */
const REPLAYABLE_PATH = new RegExp(`^${API_BASE}(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$`);
const NOT_REPLAYABLE = new RegExp(`^${API_BASE}/(batch|auth)(/|$)`, "i");
const isReplayable = (path: string) => REPLAYABLE_PATH.test(path) && !NOT_REPLAYABLE.test(path);

const headerValue = () =>
  z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[\x20-\x7e]+$/, message("headerValue"));

export const BatchOperationSchema = z
  .strictObject({
    method: z.enum(["POST", "PUT", "PATCH", "DELETE"]),
    path: z
      .string()
      .max(2048)
      .refine(isReplayable, message("batchPath"))
      .openapi({
        description: DOCS
          ? "The operation's path, as it would be sent on its own: under `/api/v1/`, no query " +
            "string, not `/api/v1/batch` and not `/api/v1/auth/…`."
          : "",
        example: "/api/v1/establishments/0193b6e4-2c3d-7e4f-9a5b-6c7d8e9fa0b1",
      }),
    body: z
      .unknown()
      .refine((body) => jsonFacts(body).depth <= MAX_BODY_DEPTH, message("jsonDepth"))
      .optional()
      .openapi({
        description: DOCS
          ? "The operation's JSON body, checked by its route as a request of its own would be. " +
            "Absent: the operation is sent without a body."
          : "",
      }),
    idempotencyKey: idempotencyKey()
      .optional()
      .openapi({
        description: DOCS
          ? "Sent as `Idempotency-Key`: a replayed create answers its first answer."
          : "",
      }),
    ifMatch: headerValue()
      .optional()
      .openapi({
        description: DOCS ? 'Sent as `If-Match`, such as `"3"`: a stale version answers 412.' : "",
      }),
    ifNoneMatch: headerValue()
      .optional()
      .openapi({ description: DOCS ? "Sent as `If-None-Match`." : "" }),
    capturedAt: z
      .string()
      .refine(isCapturedAt, message("capturedAt"))
      .optional()
      .openapi({
        description: DOCS
          ? "Sent as `X-Captured-At`: when the phone recorded the change (RFC 3339), kept in " +
            "its audit row."
          : "",
        example: "2026-11-27T14:05:00.000Z",
      }),
  })
  .openapi("BatchOperation");
export type BatchOperation = z.infer<typeof BatchOperationSchema>;

export const BatchRequestSchema = z
  .strictObject({
    operations: z.array(BatchOperationSchema).min(1).max(MAX_OPERATIONS),
  })
  .openapi("BatchRequest");

export const BatchResultSchema = z
  .object({
    index: z
      .number()
      .int()
      .min(0)
      .max(MAX_OPERATIONS - 1),
    status: z
      .number()
      .int()
      .min(200)
      .max(599)
      .openapi({
        description: DOCS
          ? "The status the operation got, as it would have on its own; 424 if not run."
          : "",
      }),
    headers: z
      .object({
        ETag: z.string().optional(),
        Location: z.string().optional(),
        "Idempotent-Replayed": z.literal("true").optional(),
        "Content-Type": z.string().optional(),
      })
      .openapi({
        description: DOCS ? "Those of the operation's answer's headers that it carried." : "",
      }),
    body: z.unknown().openapi({
      description: DOCS
        ? "Always present: the operation's answer body, parsed (the resource, or a problem " +
          "whose `requestId` is `<batch request id>.<index>`); null when it had none (204)."
        : "",
    }),
    current: z
      .unknown()
      .optional()
      .openapi({
        description: DOCS
          ? "Only on a 412: the resource as it is now (a GET of the operation's path), to " +
            "resolve the conflict without another request; null when it is gone or the path " +
            "has no GET."
          : "",
      }),
  })
  .openapi("BatchResult");
export type BatchResult = z.infer<typeof BatchResultSchema>;

export const BatchResponseSchema = z
  .object({ results: z.array(BatchResultSchema) })
  .openapi("BatchResponse");
