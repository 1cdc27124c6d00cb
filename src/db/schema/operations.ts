import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { idColumn, nowSql, timestamp } from "./columns";
import { userOwned, users } from "./users";

/** Who changed what, written in the same batch as the change it records. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: idColumn(),
    occurredAt: timestamp("occurred_at").notNull().default(nowSql),
    /** Null for actions without an authenticated actor (e.g. a failed login). */
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    /**
     * What the action is about: `user`, `product`, … or `email` for a failed sign-in with
     * an email no account has (entity_id is then the email, lower-cased).
     */
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    requestId: text("request_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** JSON: `{ field: { before, after } }` for the fields the action changed. */
    changes: text("changes", { mode: "json" }),
    /**
     * Provenance of a change an offline client recorded (src/lib/provenance.ts): when the
     * device says it was made (kept only within bounds, never used for ordering), which
     * device and which app version.
     */
    capturedAt: timestamp("captured_at"),
    deviceId: text("device_id"),
    appVersion: text("app_version"),
  },
  // The audit trail is read newest first, in keyset pages by (occurred_at, id): each
  // filter of GET /audit-events walks its own index in that order, with nothing to sort.
  (t) => [
    index("audit_events_occurred_at_id_idx").on(t.occurredAt, t.id),
    index("audit_events_actor_occurred_at_id_idx").on(t.actorId, t.occurredAt, t.id),
    index("audit_events_entity_id_occurred_at_id_idx").on(t.entityId, t.occurredAt, t.id),
    index("audit_events_entity_type_occurred_at_id_idx").on(t.entityType, t.occurredAt, t.id),
    index("audit_events_action_occurred_at_id_idx").on(t.action, t.occurredAt, t.id),
    index("audit_events_request_id_occurred_at_id_idx").on(t.requestId, t.occurredAt, t.id),
  ],
);

/**
 * Idempotency-Key records for POST creates, holding the response to replay. In D1
 * (strongly consistent), not KV: two retries racing at different locations must see the
 * same record. A record is written in the same batch as the create it answers, so it
 * never exists for a request that is still running or that failed (src/request/idempotent-create.ts).
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: userOwned(),
    key: text("key").notNull(),
    /**
     * HMAC-SHA-256 (key: the IDEMPOTENCY_HMAC_KEY secret) of method, path and body: a
     * reused key with another request is a 422.
     */
    requestHash: text("request_hash").notNull(),
    /** HTTP status of the response to replay. */
    status: integer("status").notNull(),
    /** JSON of the headers a replay must repeat (Location, ETag). */
    responseHeaders: text("response_headers", { mode: "json" }),
    responseBody: text("response_body").notNull(),
    createdAt: timestamp("created_at").notNull().default(nowSql),
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.key] }),
    index("idempotency_keys_expires_at_idx").on(t.expiresAt),
    check("idempotency_keys_status_check", sql`${t.status} between 200 and 299`),
  ],
);
