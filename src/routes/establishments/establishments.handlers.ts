import { and, asc, eq, gte, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AccessClaims } from "../../auth/tokens";
import { audit, auditIfChanged, diff } from "../../db/audit";
import type { Database } from "../../db/client";
import { conflictOnUnique } from "../../db/errors";
import { commitCreate, replayRecorded } from "../../db/idempotency";
import {
  establishmentSellers,
  establishments,
  portfolioItems,
  portfolios,
  products,
  users,
} from "../../db/schema";
import { softDeleteVersioned, updateVersioned } from "../../db/versioned-update";
import { assertIfMatch, etagFor, ifMatchGuard, notModified, weakEtagOf } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { keyset } from "../../lib/pagination";
import { ApiError } from "../../lib/problem";
import { contains } from "../../lib/search";
import type { AppRouteHandler } from "../../lib/types";
import { itemColumns, portfolioColumns } from "../portfolios/portfolios.schemas";
import type * as routes from "./establishments.routes";
import {
  type Establishment,
  establishmentColumns,
  toEstablishment,
} from "./establishments.schemas";
import { assertSellerMaySet, visibleEstablishment, visibleEstablishments } from "./scope";

const UNIQUE_FIELDS = { "establishments.tax_id": "taxId" };

const notFound = () => new ApiError("not-found", { detail: "No such establishment" });

const unknownPortfolio = () =>
  new ApiError("validation-error", {
    detail: "The portfolio does not exist",
    errors: [{ path: "/portfolioId", message: "No such portfolio" }],
  });

const livePortfolio = (db: Database, id: string) =>
  db
    .select({ id: portfolios.id })
    .from(portfolios)
    .where(and(eq(portfolios.id, id), isNull(portfolios.deletedAt)));

const findVisible = (db: Database, auth: AccessClaims, id: string) =>
  db.select(establishmentColumns).from(establishments).where(visibleEstablishment(auth, id));

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  await assertSellerMaySet(c, "create");
  const { userId, role } = c.var.auth;
  const db = c.var.db;
  if (body.portfolioId !== undefined && (await livePortfolio(db, body.portfolioId)).length === 0) {
    const replay = await replayRecorded(c);
    if (replay) return replay;
    throw unknownPortfolio();
  }
  const now = new Date().toISOString();
  // A seller who adds a store is the one who visits it.
  const sellerIds = role === "seller" ? [userId] : [];
  const row = {
    id: uuidv7(),
    name: body.name,
    taxId: body.taxId ?? null,
    kind: body.kind,
    address: body.address,
    city: body.city,
    department: body.department,
    latitude: body.latitude ?? null,
    longitude: body.longitude ?? null,
    phone: body.phone ?? null,
    portfolioId: body.portfolioId ?? null,
    status: body.status,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const establishment: Establishment = { ...row, sellerIds };
  return commitCreate(
    c,
    { body: establishment, location: `${API_BASE}/establishments/${row.id}` },
    [
      db.insert(establishments).values(row),
      ...sellerIds.map((sellerId) =>
        db
          .insert(establishmentSellers)
          .values({ establishmentId: row.id, sellerId, assignedAt: now }),
      ),
      audit(c, {
        action: "establishment.created",
        entityType: "establishment",
        entityId: row.id,
        changes: diff({}, { name: row.name, city: row.city, portfolioId: row.portfolioId }),
      }),
    ],
  ).catch((error) => conflictOnUnique(error, UNIQUE_FIELDS));
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const page = keyset({
    sort: query.sort,
    cursor: query.cursor,
    id: establishments.id,
    columns: {
      name: establishments.name,
      city: establishments.city,
      createdAt: establishments.createdAt,
      updatedAt: establishments.updatedAt,
    },
  });
  const rows = await c.var.db
    .select(establishmentColumns)
    .from(establishments)
    .where(
      and(
        visibleEstablishments(c.var.auth),
        query.q === undefined ? undefined : contains(establishments.name, query.q),
        query.city === undefined ? undefined : eq(establishments.city, query.city),
        query.department === undefined
          ? undefined
          : eq(establishments.department, query.department),
        query.status === undefined ? undefined : eq(establishments.status, query.status),
        query.portfolioId === undefined
          ? undefined
          : eq(establishments.portfolioId, query.portfolioId),
        query.sellerId === undefined
          ? undefined
          : sql`exists (select 1 from ${establishmentSellers} where ${establishmentSellers.establishmentId} = ${establishments.id} and ${establishmentSellers.sellerId} = ${query.sellerId})`,
        query.updatedSince === undefined
          ? undefined
          : gte(establishments.updatedAt, query.updatedSince),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const { data, nextCursor } = page.toPage(rows, query.limit);
  return c.json({ data: data.map(toEstablishment), nextCursor }, Status.OK);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const [row] = await findVisible(c.var.db, c.var.auth, c.req.valid("param").id);
  if (!row) throw notFound();
  if (notModified(c, etagFor(row.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(toEstablishment(row), Status.OK);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  await assertSellerMaySet(c, "update");
  const db = c.var.db;
  // One round trip for every check: the establishment (in scope) and the new portfolio.
  const [[before], portfolio] = await db.batch([
    findVisible(db, c.var.auth, id),
    livePortfolio(db, patch.portfolioId ?? ""),
  ]);
  if (!before) throw notFound();
  if (patch.portfolioId && portfolio.length === 0) throw unknownPortfolio();
  const { row } = await updateVersioned(c, {
    before,
    patch,
    entityType: "establishment",
    entityId: id,
    version: establishments.version,
    uniqueFields: UNIQUE_FIELDS,
    update: (values, guard) =>
      db
        .update(establishments)
        .set(values)
        .where(and(visibleEstablishment(c.var.auth, id), guard))
        .returning(establishmentColumns),
    currentVersion: async () => (await findVisible(db, c.var.auth, id))[0]?.version,
  });
  c.header("ETag", etagFor(row.version));
  return c.json(toEstablishment(row), Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const [before] = await findVisible(db, c.var.auth, id);
  if (!before) throw notFound();
  await softDeleteVersioned(c, {
    before,
    entityType: "establishment",
    entityId: id,
    version: establishments.version,
    deletedAt: establishments.deletedAt,
    markDeleted: (values, guard) =>
      db
        .update(establishments)
        .set(values)
        .where(and(visibleEstablishment(c.var.auth, id), guard))
        .returning({ id: establishments.id }),
    currentVersion: async () => (await findVisible(db, c.var.auth, id))[0]?.version,
  });
  return c.body(null, Status.NO_CONTENT);
};

export const listSellers: AppRouteHandler<typeof routes.listSellers> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const [[establishment], sellers] = await db.batch([
    db
      .select({ id: establishments.id })
      .from(establishments)
      .where(visibleEstablishment(c.var.auth, id)),
    db
      .select({ id: users.id, firstName: users.firstName, lastName: users.lastName })
      .from(establishmentSellers)
      .innerJoin(users, eq(users.id, establishmentSellers.sellerId))
      .where(eq(establishmentSellers.establishmentId, id))
      .orderBy(asc(users.lastName), asc(users.id)),
  ]);
  if (!establishment) throw notFound();
  return c.json({ data: sellers }, Status.OK);
};

/**
 * Puts an establishment on a seller's route or takes it off: the membership change, the
 * establishment's version bump (its `sellerIds` changed) and the audit event, in one
 * batch. With If-Match, the membership only changes while the establishment is still at
 * that version. Idempotent: a change that changes nothing bumps nothing.
 */
async function changeRoute(
  c: Context,
  id: string,
  sellerId: string,
  assign: boolean,
  version: number,
) {
  const db = c.var.db;
  const now = new Date().toISOString();
  const stillAt = ifMatchGuard(
    c,
    () =>
      sql`exists (select 1 from ${establishments} where ${establishments.id} = ${id} and ${establishments.version} = ${version})`,
  );
  const membership = assign
    ? db
        .insert(establishmentSellers)
        .select(sql`select ${id}, ${sellerId}, ${now} where ${stillAt ?? sql`1`}`)
        .onConflictDoNothing()
    : db
        .delete(establishmentSellers)
        .where(
          and(
            eq(establishmentSellers.establishmentId, id),
            eq(establishmentSellers.sellerId, sellerId),
            stillAt,
          ),
        );
  await db.batch([
    membership,
    db
      .update(establishments)
      .set({ version: sql`${establishments.version} + 1`, updatedAt: now })
      .where(and(eq(establishments.id, id), sql`changes() > 0`)),
    auditIfChanged(c, {
      action: assign ? "establishment.seller_assigned" : "establishment.seller_unassigned",
      entityType: "establishment",
      entityId: id,
      changes: {
        sellerId: assign ? { before: null, after: sellerId } : { before: sellerId, after: null },
      },
    }),
  ]);
}

export const assignSeller: AppRouteHandler<typeof routes.assignSeller> = async (c) => {
  const { id, userId } = c.req.valid("param");
  const db = c.var.db;
  const [[establishment], [seller]] = await db.batch([
    db
      .select({ version: establishments.version })
      .from(establishments)
      .where(visibleEstablishment(c.var.auth, id)),
    db.select({ role: users.role }).from(users).where(eq(users.id, userId)),
  ]);
  if (!establishment) throw notFound();
  if (!seller) throw new ApiError("not-found", { detail: "No such user" });
  if (seller.role !== "seller") {
    throw new ApiError("conflict", { detail: "Only users with role seller can have a route" });
  }
  assertIfMatch(c, establishment.version);
  await changeRoute(c, id, userId, true, establishment.version);
  return c.body(null, Status.NO_CONTENT);
};

export const unassignSeller: AppRouteHandler<typeof routes.unassignSeller> = async (c) => {
  const { id, userId } = c.req.valid("param");
  const [establishment] = await c.var.db
    .select({ version: establishments.version })
    .from(establishments)
    .where(visibleEstablishment(c.var.auth, id));
  if (!establishment) throw notFound();
  assertIfMatch(c, establishment.version);
  await changeRoute(c, id, userId, false, establishment.version);
  return c.body(null, Status.NO_CONTENT);
};

export const carriedPortfolio: AppRouteHandler<typeof routes.carriedPortfolio> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const carried = db
    .select({ id: establishments.portfolioId })
    .from(establishments)
    .where(visibleEstablishment(c.var.auth, id));
  // One round trip: the portfolio (through the scoped establishment) and all its items.
  const [[portfolio], items] = await db.batch([
    db
      .select(portfolioColumns)
      .from(portfolios)
      .where(and(sql`${portfolios.id} = (${carried})`, isNull(portfolios.deletedAt))),
    db
      .select(itemColumns)
      .from(portfolioItems)
      .innerJoin(products, eq(products.id, portfolioItems.productId))
      .where(and(sql`${portfolioItems.portfolioId} = (${carried})`, isNull(products.deletedAt)))
      .orderBy(asc(portfolioItems.position), asc(portfolioItems.productId)),
  ]);
  if (!portfolio) {
    throw new ApiError("not-found", {
      detail: "No such establishment, or it carries no portfolio",
    });
  }
  // Item prices come from products, so the ETag hashes the whole answer, not one version.
  // Serialised once: up to 2,000 items are hashed and sent as the same text.
  const text = JSON.stringify({ ...portfolio, items });
  if (notModified(c, await weakEtagOf(text))) return c.body(null, Status.NOT_MODIFIED);
  c.header("Content-Type", "application/json");
  return c.body(text, Status.OK);
};
