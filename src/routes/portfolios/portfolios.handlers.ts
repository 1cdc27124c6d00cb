import { and, eq, sql } from "drizzle-orm";
import { logNewPortfolioItems } from "../../db/change-log";
import { chunkRowsForInsert } from "../../db/chunk";
import { keyset } from "../../db/keyset";
import { establishments, portfolioItems, portfolios } from "../../db/schema";
import { contains } from "../../db/search";
import { isLive } from "../../db/versions";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError, type FieldError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { commitCreate, replayRecorded } from "../../request/idempotent-create";
import { noSuch, softDeleteVersioned, updateVersioned } from "../../request/versioned-write";
import { type Portfolio, portfolioColumns } from "../../resources/portfolios";
import { findPortfolio, liveProducts, portfolioTarget } from "./portfolios.queries";
import type * as routes from "./portfolios.routes";

const notFound = () => noSuch("portfolio");

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
        message: {
          en: `productId is listed twice (also at /items/${earlier})`,
          es: `productId está dos veces (también en /items/${earlier})`,
        },
      });
  });
  const statuses = await liveProducts(db, [...firstIndex.keys()]);
  items.forEach((item, index) => {
    const status = statuses.get(item.productId);
    if (status === undefined)
      errors.push({
        path: `/items/${index}/productId`,
        message: { en: "productId names no product", es: "productId no es un producto" },
      });
    else if (status !== "active")
      errors.push({
        path: `/items/${index}/productId`,
        message: { en: "The product is inactive", es: "El producto está inactivo" },
      });
  });
  if (errors.length > 0) {
    const replay = await replayRecorded(c);
    if (replay) return replay;
    errors.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
    throw new ApiError("validation-error", {
      detail:
        errors.length === 1
          ? { en: "1 item is invalid", es: "1 ítem no es válido" }
          : {
              en: `${errors.length} items are invalid`,
              es: `${errors.length} ítems no son válidos`,
            },
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
  return commitCreate(c, {
    target: portfolioTarget(portfolio.id),
    body: portfolio,
    location: `${API_BASE}/portfolios/${portfolio.id}`,
    inserts: [
      db.insert(portfolios).values(row),
      // D1 binds at most 100 parameters per statement: many inserts, one atomic batch.
      ...chunkRowsForInsert(portfolioItems, itemRows).map((chunk) =>
        db.insert(portfolioItems).values(chunk),
      ),
      logNewPortfolioItems(db, portfolio.id, now),
    ],
    audited: { name: portfolio.name, itemCount: items.length },
  });
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const { limit, q, status, productId } = query;
  const page = keyset(query, portfolios.id, {
    name: portfolios.name,
    createdAt: portfolios.createdAt,
    updatedAt: portfolios.updatedAt,
  });
  const rows = await c.var.db
    .select(portfolioColumns)
    .from(portfolios)
    .where(
      and(
        isLive(portfolios),
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
  const portfolio = await updateVersioned(c, portfolioTarget(c.req.valid("param").id), {
    patch: c.req.valid("json"),
    returning: portfolioColumns,
  });
  return c.json(portfolio, Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  // Stores carrying it would be left without prices: detach them first.
  await softDeleteVersioned(c, portfolioTarget(id), {
    count: sql<number>`(select count(*) from ${establishments} where ${establishments.portfolioId} = ${id} and ${establishments.deletedAt} is null)`,
    refusal: (count) =>
      new ApiError("conflict", {
        detail: {
          en: `${count} establishment${count === 1 ? " carries" : "s carry"} this portfolio; give ${count === 1 ? "it" : "them"} another portfolio or none first (GET /api/v1/establishments?portfolioId=${id}, then PATCH each with portfolioId)`,
          es: `${count} establecimiento${count === 1 ? " tiene" : "s tienen"} este portafolio; asígne${count === 1 ? "le" : "les"} otro o ninguno primero (GET /api/v1/establishments?portfolioId=${id}, luego PATCH a cada uno con portfolioId)`,
        },
        extensions: { dependents: count },
      }),
  });
  return c.body(null, Status.NO_CONTENT);
};
