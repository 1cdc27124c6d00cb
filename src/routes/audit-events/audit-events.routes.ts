import { protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { listOperation } from "../../lib/operations";
import { AuditEventListQuerySchema, AuditEventPageSchema } from "./audit-events.schemas";

export const list = protectedRoute(["admin", "support"], {
  ...listOperation("audit events", AuditEventListQuerySchema, AuditEventPageSchema),
  path: "/audit-events",
  operationId: "listAuditEvents",
  tags: ["Audit"],
  summary: DOCS ? "Read the audit trail" : "",
  description: DOCS
    ? "Every change to every resource and every sign-in event, newest first (`sort=occurredAt` " +
      "for oldest first), in keyset pages: creates, updates, deletes, seller assignments, " +
      "portfolio items; sign-ins, failed sign-ins (with the reason), lockouts, token " +
      "refreshes (kept 14 days), logout, logout-all, password changes and resets, sessions " +
      "revoked by staff, role changes, disabling. Filters combine; each walks its own index. " +
      "`requestId` finds what one request did — the `X-Request-Id` an app shows on its error " +
      "screen (docs/operations.md)."
    : "",
});
