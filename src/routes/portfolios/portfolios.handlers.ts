import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { audit, auditIfChanged, diff } from "../../db/audit";
import { chunkRowsForInsert, D1_MAX_BOUND_PARAMETERS } from "../../db/chunk";
import type { Database } from "../../db/client";
import { conflictOnUnique } from "../../db/errors";
import { commitCreate, replayRecorded } from "../../db/idempotency";
import { establishments, portfolioItems, portfolios, products } from "../../db/schema";
import { softDeleteVersioned, updateVersioned } from "../../db/versioned-update";
import { assertIfMatch, etagFor, ifMatchGuard, lostRace, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { keyset } from "../../lib/pagination";
import { ApiError, type FieldError } from "../../lib/problem";
import { contains } from "../../lib/search";
import type { AppRouteHandler } from "../../lib/types";
import type * as routes from "./portfolios.routes";
import { itemColumns, type Portfolio, portfolioColumns } from "./portfolios.schemas";

const UNIQUE_FIELDS = { "portfolios.name": "name" };

const notFound = () => new ApiError("not-found", { detail: "No such portfolio" });

const live = (id: string) => and(eq(portfolios.id, id), isNull(portfolios.deletedAt));

const findPortfolio = (db: Database, id: string) =>
  db.select(portfolioColumns).from(portfolios).where(live(id));

const itemOf = (db: Database, portfolioId: string, productId: string) =>
  db
    .select(itemColumns)
    .from(portfolioItems)
    .innerJoin(products, eq(products.id, portfolioItems.productId))
    .where(
      and(eq(portfolioItems.portfolioId, portfolioId), eq(portfolioItems.productId, productId)),
    );

/** The live products among `ids`, read in one round trip under D1's parameter limit. */
async function liveProducts(db: Database, ids: string[]) {
  const lookups = [];
  for (let i = 0; i < ids.length; i += D1_MAX_BOUND_PARAMETERS) {
    const chunk = ids.slice(i, i + D1_MAX_BOUND_PARAMETERS);
    lookups.push(
      db
        .select({ id: products.id, status: products.status })
        .from(products)
        .where(and(inArray(products.id, chunk), isNull(products.deletedAt))),
    );
  }
  const [first, ...rest] = lookups;
  if (!first) return new Map<string, string>();
  const found = (await db.batch([first, ...rest])).flat();
  return new Map(found.map((product) => [product.id, product.status]));
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const { items, ...body } = c.req.valid("json");
  const db = c.var.db;

  // Every bad item is reported at once, each at its own path.
  const errors: FieldError[] = [];
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const earlier = firstIndex.get(item.productId);
    if (earlier === undefined) firstIndex.set(item.productId, index);
    else
      errors.push({
        path: `/items/${index}/productId`,
        message: `Listed twice (also at /items/${earlier})`,
      });
  });
  const statuses = await liveProducts(db, [...firstIndex.keys()]);
  items.forEach((item, index) => {
    const status = statuses.get(item.productId);
    if (status === undefined)
      errors.push({ path: `/items/${index}/productId`, message: "No such product" });
    else if (status !== "active")
      errors.push({ path: `/items/${index}/productId`, message: "The product is inactive" });
  });
  if (errors.length > 0) {
    const replay = await replayRecorded(c);
    if (replay) return replay;
    errors.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
    throw new ApiError("validation-error", {
      detail: `${errors.length} item${errors.length === 1 ? " is" : "s are"} invalid`,
      errors,
    });
  }

  const now = new Date().toISOString();
  const portfolio: Portfolio = {
    id: uuidv7(),
    name: body.name,
    description: body.description ?? null,
    status: body.status,
    version: 1,
    createdAt: now,
    updatedAt: now,
    itemCount: items.length,
  };
  const { itemCount: _count, ...row } = portfolio;
  const itemRows = items.map((item, index) => ({
    portfolioId: portfolio.id,
    productId: item.productId,
    price: item.price ?? null,
    position: item.position ?? index,
    addedAt: now,
  }));
  return commitCreate(c, { body: portfolio, location: `${API_BASE}/portfolios/${portfolio.id}` }, [
    db.insert(portfolios).values(row),
    // D1 binds at most 100 parameters per statement: many inserts, one atomic batch.
    ...chunkRowsForInsert(portfolioItems, itemRows).map((chunk) =>
      db.insert(portfolioItems).values(chunk),
    ),
    audit(c, {
      action: "portfolio.created",
      entityType: "portfolio",
      entityId: portfolio.id,
      changes: diff({}, { name: portfolio.name, itemCount: items.length }),
    }),
  ]).catch((error) => conflictOnUnique(error, UNIQUE_FIELDS));
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor, sort, q, status, productId } = c.req.valid("query");
  const page = keyset({
    sort,
    cursor,
    id: portfolios.id,
    columns: {
      name: portfolios.name,
      createdAt: portfolios.createdAt,
      updatedAt: portfolios.updatedAt,
    },
  });
  const rows = await c.var.db
    .select(portfolioColumns)
    .from(portfolios)
    .where(
      and(
        isNull(portfolios.deletedAt),
        q === undefined ? undefined : contains(portfolios.name, q),
        status === undefined ? undefined : eq(portfolios.status, status),
        productId === undefined
          ? undefined
          : sql`exists (select 1 from ${portfolioItems} where ${portfolioItems.portfolioId} = ${portfolios.id} and ${portfolioItems.productId} = ${productId})`,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return c.json(page.toPage(rows, limit), Status.OK);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const [portfolio] = await findPortfolio(c.var.db, c.req.valid("param").id);
  if (!portfolio) throw notFound();
  if (notModified(c, etagFor(portfolio.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(portfolio, Status.OK);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const [before] = await findPortfolio(db, id);
  if (!before) throw notFound();
  const { row } = await updateVersioned(c, {
    before,
    patch: c.req.valid("json"),
    entityType: "portfolio",
    entityId: id,
    version: portfolios.version,
    uniqueFields: UNIQUE_FIELDS,
    update: (values, guard) =>
      db
        .update(portfolios)
        .set(values)
        .where(and(live(id), guard))
        .returning(portfolioColumns),
    currentVersion: async () => (await findPortfolio(db, id))[0]?.version,
  });
  c.header("ETag", etagFor(row.version));
  return c.json(row, Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const [before] = await findPortfolio(db, id);
  if (!before) throw notFound();
  await softDeleteVersioned(c, {
    before,
    entityType: "portfolio",
    entityId: id,
    version: portfolios.version,
    deletedAt: portfolios.deletedAt,
    markDeleted: (values, guard) =>
      db
        .update(portfolios)
        .set(values)
        .where(and(live(id), guard))
        .returning({ id: portfolios.id }),
    // Establishments that carried it now carry none (a change to them: new version).
    consequences: (now, applied) => [
      db
        .update(establishments)
        .set({ portfolioId: null, version: sql`${establishments.version} + 1`, updatedAt: now })
        .where(and(eq(establishments.portfolioId, id), applied)),
    ],
    currentVersion: async () => (await findPortfolio(db, id))[0]?.version,
  });
  return c.body(null, Status.NO_CONTENT);
};

export const listItems: AppRouteHandler<typeof routes.listItems> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, sort } = c.req.valid("query");
  const db = c.var.db;
  const page = keyset({
    sort,
    cursor,
    id: portfolioItems.productId,
    columns: { position: portfolioItems.position },
  });
  const [[portfolio], rows] = await db.batch([
    db.select({ id: portfolios.id }).from(portfolios).where(live(id)),
    db
      .select(itemColumns)
      .from(portfolioItems)
      .innerJoin(products, eq(products.id, portfolioItems.productId))
      .where(and(eq(portfolioItems.portfolioId, id), isNull(products.deletedAt), page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
  ]);
  if (!portfolio) throw notFound();
  return c.json(
    page.toPage(rows, limit, (item) => item.productId),
    Status.OK,
  );
};

export const putItem: AppRouteHandler<typeof routes.putItem> = async (c) => {
  const { id, productId } = c.req.valid("param");
  const body = c.req.valid("json");
  const db = c.var.db;
  const [[portfolio], [product], [existing]] = await db.batch([
    findPortfolio(db, id),
    db
      .select({ status: products.status })
      .from(products)
      .where(and(eq(products.id, productId), isNull(products.deletedAt))),
    itemOf(db, id, productId),
  ]);
  if (!portfolio) throw notFound();
  if (!product) throw new ApiError("not-found", { detail: "No such product" });
  if (product.status !== "active" && !existing) {
    throw new ApiError("conflict", {
      detail: "An inactive product cannot be added to a portfolio",
    });
  }
  assertIfMatch(c, portfolio.version);
  const itemChanges = existing
    ? diff({ price: existing.price, position: existing.position }, body)
    : {};
  if (existing && Object.keys(itemChanges).length === 0) {
    // Nothing to change (an empty body, or the same values): no new version.
    c.header("ETag", etagFor(portfolio.version));
    return c.json(existing, Status.OK);
  }
  const now = new Date().toISOString();
  const nextPosition = sql`coalesce((select max(${portfolioItems.position}) + 1 from ${portfolioItems} where ${portfolioItems.portfolioId} = ${id}), 0)`;
  // The version bump goes first and is guarded; the item change runs only if it applied.
  const bump = db
    .update(portfolios)
    .set({ version: sql`${portfolios.version} + 1`, updatedAt: now })
    .where(
      and(
        live(id),
        ifMatchGuard(c, () => eq(portfolios.version, portfolio.version)),
      ),
    );
  const change = existing
    ? db
        .update(portfolioItems)
        .set({
          ...(body.price !== undefined && { price: body.price }),
          ...(body.position !== undefined && { position: body.position }),
        })
        .where(
          and(
            eq(portfolioItems.portfolioId, id),
            eq(portfolioItems.productId, productId),
            sql`changes() > 0`,
          ),
        )
    : db
        .insert(portfolioItems)
        .select(
          sql`select ${id}, ${productId}, ${body.price ?? null}, ${body.position ?? nextPosition}, ${now} where changes() > 0`,
        );
  const results = await db.batch([
    bump,
    change,
    auditIfChanged(c, {
      action: existing ? "portfolio.item_updated" : "portfolio.item_added",
      entityType: "portfolio",
      entityId: id,
      changes: existing ? itemChanges : { productId: { before: null, after: productId } },
    }),
    itemOf(db, id, productId),
    db.select({ version: portfolios.version }).from(portfolios).where(eq(portfolios.id, id)),
  ]);
  const [item] = results[3];
  const [current] = results[4];
  if (!current) throw notFound(); // deleted between our read and our write
  if (results[0].meta.changes === 0) throw lostRace(current.version);
  c.header("ETag", etagFor(current.version));
  if (existing) return c.json(item!, Status.OK);
  c.header("Location", `${API_BASE}/portfolios/${id}/items/${productId}`);
  return c.json(item!, Status.CREATED);
};

export const removeItem: AppRouteHandler<typeof routes.removeItem> = async (c) => {
  const { id, productId } = c.req.valid("param");
  const db = c.var.db;
  const [[portfolio], [existing]] = await db.batch([
    findPortfolio(db, id),
    itemOf(db, id, productId),
  ]);
  if (!portfolio) throw notFound();
  if (!existing)
    throw new ApiError("not-found", { detail: "The product is not in this portfolio" });
  assertIfMatch(c, portfolio.version);
  const [bumped] = await db.batch([
    db
      .update(portfolios)
      .set({ version: sql`${portfolios.version} + 1`, updatedAt: new Date().toISOString() })
      .where(
        and(
          live(id),
          ifMatchGuard(c, () => eq(portfolios.version, portfolio.version)),
        ),
      ),
    db
      .delete(portfolioItems)
      .where(
        and(
          eq(portfolioItems.portfolioId, id),
          eq(portfolioItems.productId, productId),
          sql`changes() > 0`,
        ),
      ),
    auditIfChanged(c, {
      action: "portfolio.item_removed",
      entityType: "portfolio",
      entityId: id,
      changes: { productId: { before: productId, after: null } },
    }),
  ]);
  if (bumped.meta.changes === 0) {
    const [current] = await findPortfolio(db, id);
    throw current ? lostRace(current.version) : notFound();
  }
  return c.body(null, Status.NO_CONTENT);
};
