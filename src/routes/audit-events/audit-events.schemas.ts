import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { AuditFiltersSchema, withSinceBeforeUntil } from "../../resources/audit-events";

export const AuditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: timestamp(),
    actor: z
      .object({ id: z.string(), email: z.string().nullable() })
      .nullable()
      .openapi({
        description: DOCS
          ? "Who did it: null for an action without a signed-in actor (a failed sign-in). " +
            "`email` is null once the actor's account is deleted."
          : "",
      }),
    action: z.string().openapi({ example: "user.role_changed" }),
    entityType: z.string().openapi({
      description: DOCS
        ? "`user`, `product`, `establishment`, `portfolio`, or `email` for a failed sign-in " +
          "with an email no account has (`entityId` is then that email)."
        : "",
    }),
    entityId: z.string().nullable(),
    changes: z
      .record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }))
      .nullable()
      .openapi({
        description: DOCS
          ? "`{field: {before, after}}` for what the action changed or concerns. Never a " +
            "password, hash or token."
          : "",
      }),
    requestId: z
      .string()
      .nullable()
      .openapi({
        description: DOCS
          ? "The `X-Request-Id` of the request that did it: the key to its log line."
          : "",
      }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    capturedAt: z
      .string()
      .nullable()
      .openapi({
        description: DOCS
          ? "When the device says the change was made (`X-Captured-At`), for a change an offline app replayed; null when not sent or outside 30 days back to 5 minutes ahead. Never used for ordering: `occurredAt` is the server's."
          : "",
      }),
    deviceId: z
      .string()
      .nullable()
      .openapi({ description: DOCS ? "The app's device (`X-Device-Id`), when sent." : "" }),
    appVersion: z
      .string()
      .nullable()
      .openapi({ description: DOCS ? "The app's version (`X-App-Version`), when sent." : "" }),
  })
  .openapi("AuditEvent");

export const AuditEventListQuerySchema = withSinceBeforeUntil(
  listQuerySchema(["occurredAt"], "-occurredAt").extend(AuditFiltersSchema.shape),
);

export const AuditEventPageSchema = pageSchema(AuditEventSchema).openapi("AuditEventPage");
