import { sql } from "drizzle-orm";
import { hashPassword } from "../../auth/passwords";
import { endUserSessions } from "../../auth/sessions";
import { type UserRole, users } from "../../db/schema";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { commitCreate } from "../../request/idempotent-create";
import { noSuch, updateVersioned } from "../../request/versioned-write";
import { findUser, type User, userColumns, userPage } from "../../resources/users";
import { userTarget } from "./users.queries";
import type * as routes from "./users.routes";

/** Roles that may see every user; everyone else sees only themselves. */
const SEES_ALL_USERS: readonly UserRole[] = ["admin", "support"];

const notFound = () => noSuch("user");

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const { password, ...fields } = c.req.valid("json");
  const now = new Date().toISOString();
  const user: User = {
    id: uuidv7(),
    email: fields.email,
    firstName: fields.firstName,
    lastName: fields.lastName,
    documentNumber: fields.documentNumber ?? null,
    phone: fields.phone ?? null,
    role: fields.role,
    status: "active",
    passwordChangedAt: now,
    lastLoginAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const passwordHash = await hashPassword(password);
  return commitCreate(c, {
    target: userTarget(user.id),
    body: user,
    location: `${API_BASE}/users/${user.id}`,
    inserts: [c.var.db.insert(users).values({ ...user, passwordHash })],
    audited: { email: user.email, role: user.role },
  });
};

export const list: AppRouteHandler<typeof routes.list> = async (c) =>
  c.json(await userPage(c.var.db, c.req.valid("query")), Status.OK);

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { id } = c.req.valid("param");
  const { userId, role } = c.var.auth;
  if (!SEES_ALL_USERS.includes(role) && id !== userId) throw notFound();
  const user = await findUser(c.var.db, id);
  if (!user) throw notFound();
  if (notModified(c, etagFor(user.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(user, Status.OK);
};

/**
 * What support looks for in the audit trail, named: a PATCH that disables, enables or
 * changes the role of a user is `user.disabled`, `user.enabled` or `user.role_changed` (in
 * that order when it does several); its changes list every field it changed.
 */
function userChange(before: User, patch: { role?: UserRole; status?: User["status"] }) {
  if (patch.status !== undefined && patch.status !== before.status)
    return `user.${patch.status === "disabled" ? "disabled" : "enabled"}`;
  if (patch.role !== undefined && patch.role !== before.role) return "user.role_changed";
  return "user.updated";
}

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  const db = c.var.db;
  const before = await findUser(db, id);
  if (!before) throw notFound();
  const demotesActiveAdmin =
    before.role === "admin" &&
    before.status === "active" &&
    ((patch.role !== undefined && patch.role !== "admin") || patch.status === "disabled");
  const user = await updateVersioned(c, userTarget(id), {
    patch,
    action: userChange(before, patch),
    returning: userColumns,
    // Checked inside the UPDATE, so two admins demoting each other at once cannot both win.
    ...(demotesActiveAdmin && {
      condition: {
        holds: sql`exists (select 1 from ${users} where ${users.role} = 'admin' and ${users.status} = 'active' and ${users.id} != ${id})`,
        refusal: new ApiError("conflict", {
          detail: {
            en: "This is the last active admin: promote another admin first",
            es: "Es el último administrador activo: promueva antes a otro administrador",
          },
        }),
      },
    }),
    // A disabled user's sessions end with it, so enabling them later revives none. A role
    // change ends nothing: the next request already runs with the new role.
    ...(patch.status === "disabled" && {
      consequences: [
        endUserSessions(db, id, "user_disabled", {
          when: sql`exists (select 1 from ${users} where ${users.id} = ${id} and ${users.status} = 'disabled')`,
        }),
      ],
    }),
  });
  return c.json(user, Status.OK);
};
