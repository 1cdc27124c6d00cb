import { and } from "drizzle-orm";
import { keyset } from "../../db/keyset";
import { auditEvents, users } from "../../db/schema";
import * as Status from "../../lib/http-status";
import type { AppRouteHandler } from "../../lib/types";
import { actorJoin, auditEventColumns, auditFilters } from "./audit-events.queries";
import type * as routes from "./audit-events.routes";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const page = keyset(query, auditEvents.id, { occurredAt: auditEvents.occurredAt });
  const rows = await c.var.db
    .select(auditEventColumns)
    .from(auditEvents)
    .leftJoin(users, actorJoin)
    .where(and(auditFilters(query), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const { data, nextCursor } = page.toPage(rows, query.limit);
  return c.json(
    {
      data: data.map(({ actorId, actorEmail, changes, ...event }) => ({
        ...event,
        actor: actorId === null ? null : { id: actorId, email: actorEmail },
        changes: changes as Record<string, { before: unknown; after: unknown }> | null,
      })),
      nextCursor,
    },
    Status.OK,
  );
};
