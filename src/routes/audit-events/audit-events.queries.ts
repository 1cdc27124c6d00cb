import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { auditEvents, users } from "../../db/schema";

export interface AuditFilters {
  actorId?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  requestId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * The WHERE of an audit-trail read (the list and its CSV export). Each filter has its own
 * (filter, occurred_at, id) index; given an entity id too, the entity type is checked on the
 * rows that id finds (`+` keeps SQLite from walking every row of the type instead).
 */
export function auditFilters(f: AuditFilters): SQL | undefined {
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

/** An audit row as the API shows it: the actor with their email (null once deleted). */
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
};

/** The join that names each actor (a LEFT JOIN: the audit row stays the outer loop). */
export const actorJoin = eq(users.id, auditEvents.actorId);
