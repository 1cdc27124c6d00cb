import { and, eq, or, sql } from "drizzle-orm";
import { hashPassword } from "../../auth/passwords";
import { listLiveSessions, revokeAllSessions } from "../../auth/sessions";
import { audit, auditIfChanged, diff } from "../../db/audit";
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
    failedLoginCount: 0,
    lockedUntil: null,
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
  const { row, changes } = await updateVersioned(c, {
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
  });
  // A disabled user, or one whose role changed, must sign in again (or not at all).
  if (changes.status !== undefined || changes.role !== undefined) {
    await revokeAllSessions(c.env.SESSIONS, id);
  }
  c.header("ETag", etagFor(row.version));
  return c.json(row, Status.OK);
};

export const listSessions: AppRouteHandler<typeof routes.listSessions> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await findUser(c.var.db, id))) throw notFound();
  const sessions = await listLiveSessions(c.env.SESSIONS, id);
  return c.json(
    {
      data: sessions.map(({ sessionId, createdAt, lastUsedAt, expiresAt, ip, userAgent }) => ({
        sessionId,
        createdAt,
        lastUsedAt,
        expiresAt,
        ip,
        userAgent,
      })),
    },
    Status.OK,
  );
};

export const revokeSessions: AppRouteHandler<typeof routes.revokeSessions> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await findUser(c.var.db, id))) throw notFound();
  const revoked = await revokeAllSessions(c.env.SESSIONS, id);
  await audit(c, {
    action: "user.sessions_revoked",
    entityType: "user",
    entityId: id,
    changes: { sessions: { before: revoked, after: 0 } },
  });
  return c.body(null, Status.NO_CONTENT);
};

export const unlock: AppRouteHandler<typeof routes.unlock> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const [[user]] = await db.batch([
    db
      .update(users)
      .set({
        failedLoginCount: 0,
        lockedUntil: null,
        version: sql`${users.version} + 1`,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(users.id, id))
      .returning(userColumns),
    auditIfChanged(c, { action: "user.unlocked", entityType: "user", entityId: id }),
  ]);
  if (!user) throw notFound();
  c.header("ETag", etagFor(user.version));
  return c.json(user, Status.OK);
};
