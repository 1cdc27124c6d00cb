import { z } from "@hono/zod-openapi";
import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { keyset } from "../db/keyset";
import { auditEvents, users } from "../db/schema";
import { DOCS } from "../lib/docs";
import { id } from "../lib/fields";
import { message } from "../lib/validation";

const instant = (description: string) =>
  z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value).toISOString())
    .optional()
    .openapi({ description, example: "2026-11-26T12:00:00.000Z" });

/** The filters of the audit trail; its CSV export takes the same. */
export const AuditFiltersSchema = z.object({
  actorId: id()
    .optional()
    .openapi({ description: DOCS ? "Only what this user did." : "" }),
  entityType: z
    .string()
    .regex(/^[a-z_]{1,32}$/, message("entityType"))
    .optional()
    .openapi({
      description: DOCS ? "Only events about this kind of entity." : "",
      example: "user",
    }),
  entityId: z
    .string()
    .min(1)
    .max(254)
    .optional()
    .openapi({ description: DOCS ? "Only events about this entity (an id, or an email)." : "" }),
  action: z
    .string()
    .regex(/^[a-z_]{1,32}\.[a-z_]{1,64}$/, message("auditAction"))
    .optional()
    .openapi({ description: DOCS ? "Only this action." : "", example: "auth.login_failed" }),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, message("requestId"))
    .optional()
    .openapi({ description: DOCS ? "Only what this request did (its `X-Request-Id`)." : "" }),
  since: instant("Only events at or after this instant (RFC 3339)."),
  until: instant("Only events before this instant (RFC 3339)."),
});
type AuditFilters = z.infer<typeof AuditFiltersSchema>;

/** `since` before `until`, checked on whichever schema carries the filters. */
export const withSinceBeforeUntil = <S extends z.ZodType<AuditFilters>>(schema: S) =>
  schema.refine((q) => !q.since || !q.until || q.since < q.until, {
    message: message("sinceBeforeUntil"),
    path: ["until"],
  });

/**
 * Each filter has its own (filter, occurred_at, id) index; given an entity id too, the
 * entity type is checked on the rows that id finds (`+` keeps SQLite from walking every
 * row of the type instead).
 */
function auditWhere(f: AuditFilters): SQL | undefined {
  return and(
    f.actorId === undefined ? undefined : eq(auditEvents.actorId, f.actorId),
    f.entityId === undefined ? undefined : eq(auditEvents.entityId, f.entityId),
    f.entityType === undefined
      ? undefined
      : f.entityId === undefined
        ? eq(auditEvents.entityType, f.entityType)
        : sql`+${auditEvents.entityType} = ${f.entityType}`,
    f.action === undefined ? undefined : eq(auditEvents.action, f.action),
    f.requestId === undefined ? undefined : eq(auditEvents.requestId, f.requestId),
    f.since === undefined ? undefined : gte(auditEvents.occurredAt, f.since),
    f.until === undefined ? undefined : lt(auditEvents.occurredAt, f.until),
  );
}

/** An audit row with its actor's email (null once the account is deleted). */
export const auditEventColumns = {
  id: auditEvents.id,
  occurredAt: auditEvents.occurredAt,
  actorId: auditEvents.actorId,
  actorEmail: users.email,
  action: auditEvents.action,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  changes: auditEvents.changes,
  requestId: auditEvents.requestId,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
  capturedAt: auditEvents.capturedAt,
  deviceId: auditEvents.deviceId,
  appVersion: auditEvents.appVersion,
};

type Sort = "occurredAt" | "-occurredAt";

/**
 * A keyset page of the audit trail as the filters choose it: the one query behind the
 * list and its export. A LEFT JOIN names each actor, so the audit row stays the outer loop.
 */
export async function auditEventPage(
  db: Database,
  query: AuditFilters & { sort: Sort; cursor?: string | undefined; limit: number },
) {
  const page = keyset(query, auditEvents.id, { occurredAt: auditEvents.occurredAt });
  const rows = await db
    .select(auditEventColumns)
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(auditWhere(query), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return page.toPage(rows, query.limit);
}
