import { and, eq, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { hashPassword } from "../../auth/passwords";
import { endUserSessions, liveSessions } from "../../auth/sessions";
import { clearAllBuckets } from "../../auth/throttle";
import { audit, diff } from "../../db/audit";
import type { Database } from "../../db/client";
import { conflictOnUnique } from "../../db/errors";
import { commitCreate } from "../../db/idempotency";
import { type UserRole, users } from "../../db/schema";
import { updateVersioned } from "../../db/versioned-update";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { keyset } from "../../lib/pagination";
import { ApiError } from "../../lib/problem";
import { contains } from "../../lib/search";
import type { AppRouteHandler } from "../../lib/types";
import type * as routes from "./users.routes";
import { type User, userColumns } from "./users.schemas";

const UNIQUE_FIELDS = {
  users_email_lower_unique: "email",
  "users.document_number": "documentNumber",
};

/** Roles that may see every user; everyone else sees only themselves. */
const SEES_ALL_USERS: readonly UserRole[] = ["admin", "support"];

const notFound = () => new ApiError("not-found", { detail: "No such user" });

/** The user `id`, if the caller may act on their account: only an admin acts on an admin. */
async function accountToActOn(c: Context, id: string) {
  const user = await findUser(c.var.db, id);
  if (!user) throw notFound();
  if (user.role === "admin" && c.var.auth.role !== "admin") {
    throw new ApiError("forbidden", { detail: "Only an admin may act on an admin's account" });
  }
  return user;
}

export async function findUser(db: Database, id: string) {
  const [user] = await db.select(userColumns).from(users).where(eq(users.id, id));
  return user;
}

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
  return commitCreate(c, { body: user, location: `${API_BASE}/users/${user.id}` }, [
    c.var.db.insert(users).values({ ...user, passwordHash }),
    audit(c, {
      action: "user.created",
      entityType: "user",
      entityId: user.id,
      changes: diff({}, { email: user.email, role: user.role }),
    }),
  ]).catch((error) => conflictOnUnique(error, UNIQUE_FIELDS));
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor, sort, role, status, q } = c.req.valid("query");
  const page = keyset({
    sort,
    cursor,
    id: users.id,
    columns: { createdAt: users.createdAt, lastName: users.lastName },
  });
  const rows = await c.var.db
    .select(userColumns)
    .from(users)
    .where(
      and(
        role && eq(users.role, role),
        status && eq(users.status, status),
        q === undefined
          ? undefined
          : or(
              contains(users.email, q),
              contains(sql`${users.firstName} || ' ' || ${users.lastName}`, q),
            ),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return c.json(page.toPage(rows, limit), Status.OK);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { id } = c.req.valid("param");
  const { userId, role } = c.var.auth;
  if (!SEES_ALL_USERS.includes(role) && id !== userId) throw notFound();
  const user = await findUser(c.var.db, id);
  if (!user) throw notFound();
  if (notModified(c, etagFor(user.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(user, Status.OK);
};

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
  // Checked inside the UPDATE, so two admins demoting each other at once cannot both win.
  const anotherActiveAdmin = sql`exists (select 1 from ${users} where ${users.role} = 'admin' and ${users.status} = 'active' and ${users.id} != ${id})`;
  const { row } = await updateVersioned(c, {
    before,
    patch,
    entityType: "user",
    entityId: id,
    version: users.version,
    uniqueFields: UNIQUE_FIELDS,
    update: (values, guard) =>
      db
        .update(users)
        .set(values)
        .where(and(eq(users.id, id), guard, demotesActiveAdmin ? anotherActiveAdmin : undefined))
        .returning(userColumns),
    currentVersion: async () => (await findUser(db, id))?.version,
    ...(demotesActiveAdmin && {
      refusal: new ApiError("conflict", {
        detail: "This is the last active admin: promote another admin first",
      }),
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
  c.header("ETag", etagFor(row.version));
  return c.json(row, Status.OK);
};

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
    endUserSessions(db, id, "revoked_by_staff"),
    audit(c, { action: "user.sessions_revoked", entityType: "user", entityId: id }),
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
