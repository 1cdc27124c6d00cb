import type { Context } from "hono";
import { endUserSessions, liveSessions, sessionsEnding } from "../../auth/sessions";
import { clearAllBuckets } from "../../auth/throttle";
import * as Status from "../../lib/http-status";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { audit } from "../../request/audit";
import { noSuch } from "../../request/versioned-write";
import { findUser } from "../../resources/users";
import type * as routes from "./user-access.routes";

/** The user `id`, if the caller may act on their account: only an admin acts on an admin. */
async function accountToActOn(c: Context, id: string) {
  const user = await findUser(c.var.db, id);
  if (!user) throw noSuch("user");
  if (user.role === "admin" && c.var.auth.role !== "admin") {
    throw new ApiError("forbidden", {
      detail: {
        en: "Only an admin may act on an admin's account",
        es: "Solo un administrador puede actuar sobre la cuenta de un administrador",
      },
    });
  }
  return user;
}

export const listSessions: AppRouteHandler<typeof routes.listSessions> = async (c) => {
  const { id } = c.req.valid("param");
  await accountToActOn(c, id);
  return c.json({ data: await liveSessions(c.var.db, id) }, Status.OK);
};

export const revokeSessions: AppRouteHandler<typeof routes.revokeSessions> = async (c) => {
  const { id } = c.req.valid("param");
  await accountToActOn(c, id);
  const db = c.var.db;
  await db.batch([
    audit(c, {
      action: "user.sessions_revoked",
      entityType: "user",
      entityId: id,
      changes: sessionsEnding(id),
    }),
    endUserSessions(db, id, "revoked_by_staff"),
  ]);
  return c.body(null, Status.NO_CONTENT);
};

export const unlock: AppRouteHandler<typeof routes.unlock> = async (c) => {
  const { id } = c.req.valid("param");
  await accountToActOn(c, id);
  const db = c.var.db;
  await db.batch([
    clearAllBuckets(db, id),
    audit(c, { action: "user.sign_in_limits_cleared", entityType: "user", entityId: id }),
  ]);
  return c.body(null, Status.NO_CONTENT);
};
