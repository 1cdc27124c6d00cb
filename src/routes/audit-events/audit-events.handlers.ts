import * as Status from "../../lib/http-status";
import type { AppRouteHandler } from "../../lib/types";
import { auditEventPage } from "../../resources/audit-events";
import type * as routes from "./audit-events.routes";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { data, nextCursor } = await auditEventPage(c.var.db, c.req.valid("query"));
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
