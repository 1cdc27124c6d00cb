import { z } from "@hono/zod-openapi";
import { id, timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { message } from "../../lib/validation";
import * as examples from "../../resources/examples";

export const AuditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: timestamp(),
    actor: z
      .object({ id: z.string(), email: z.string().nullable() })
      .nullable()
      .openapi({
        description:
          "Who did it: null for an action without a signed-in actor (a failed sign-in). " +
          "`email` is null once the actor's account is deleted.",
      }),
    action: z.string().openapi({ example: "user.role_changed" }),
    entityType: z.string().openapi({
      description:
        "`user`, `product`, `establishment`, `portfolio`, or `email` for a failed sign-in " +
        "with an email no account has (`entityId` is then that email).",
    }),
    entityId: z.string().nullable(),
    changes: z
      .record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }))
      .nullable()
      .openapi({
        description:
          "`{field: {before, after}}` for what the action changed or concerns. Never a " +
          "password, hash or token.",
      }),
    requestId: z.string().nullable().openapi({
      description: "The `X-Request-Id` of the request that did it: the key to its log line.",
    }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi("AuditEvent", { example: examples.auditEvent });

const instant = (description: string) =>
  z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value).toISOString())
    .optional()
    .openapi({ description, example: "2026-11-26T12:00:00.000Z" });

export const AuditEventListQuerySchema = listQuerySchema(["occurredAt"], "-occurredAt")
  .extend({
    actorId: id().optional().openapi({ description: "Only what this user did." }),
    entityType: z
      .string()
      .regex(/^[a-z_]{1,32}$/, message("entityType"))
      .optional()
      .openapi({ description: "Only events about this kind of entity.", example: "user" }),
    entityId: z
      .string()
      .min(1)
      .max(254)
      .optional()
      .openapi({ description: "Only events about this entity (an id, or an email)." }),
    action: z
      .string()
      .regex(/^[a-z_]{1,32}\.[a-z_]{1,64}$/, message("auditAction"))
      .optional()
      .openapi({ description: "Only this action.", example: "auth.login_failed" }),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, message("requestId"))
      .optional()
      .openapi({ description: "Only what this request did (its `X-Request-Id`)." }),
    since: instant("Only events at or after this instant (RFC 3339)."),
    until: instant("Only events before this instant (RFC 3339)."),
  })
  .refine((q) => !q.since || !q.until || q.since < q.until, {
    message: message("sinceBeforeUntil"),
    path: ["until"],
  });

export const AuditEventPageSchema = pageSchema(AuditEventSchema).openapi("AuditEventPage", {
  example: examples.auditEventPage,
});
