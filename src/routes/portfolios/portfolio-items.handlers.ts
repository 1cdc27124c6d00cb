import { and, eq, sql } from "drizzle-orm";
import type { ChangeEntry } from "../../db/change-log";
import { keyset } from "../../db/keyset";
import { portfolioItems, portfolios, products } from "../../db/schema";
import { liveRow } from "../../db/versions";
import { assertIfMatch, etagFor } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { API_BASE } from "../../lib/openapi";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { diff } from "../../request/audit";
import { changeHeld, noSuch } from "../../request/versioned-write";
import { itemColumns, type PortfolioItem, shownItems } from "../../resources/portfolios";
import type * as routes from "./portfolio-items.routes";
import { findPortfolio, itemKey, itemOf, portfolioTarget } from "./portfolios.queries";

const notFound = () => noSuch("portfolio");

const itemEntry = (portfolioId: string, productId: string, op: ChangeEntry["op"]): ChangeEntry => ({
  entityType: "portfolio_item",
  entityId: productId,
  portfolioId,
  op,
});
const notInPortfolio = () =>
  new ApiError("not-found", {
    detail: {
      en: "The product is not in this portfolio",
      es: "El producto no está en este portafolio",
    },
  });

export const listItems: AppRouteHandler<typeof routes.listItems> = async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  const { limit } = query;
  const db = c.var.db;
  const page = keyset(query, portfolioItems.productId, { position: portfolioItems.position });
  const [[portfolio], rows] = await db.batch([
    db.select({ id: portfolios.id }).from(portfolios).where(liveRow(portfolios, id)),
    db
      .select(itemColumns)
      .from(portfolioItems)
      .innerJoin(products, eq(products.id, portfolioItems.productId))
      .where(and(shownItems({ portfolioId: id }), page.where))
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
    db.select({ status: products.status }).from(products).where(liveRow(products, productId)),
    itemOf(db, id, productId),
  ]);
  if (!portfolio) throw notFound();
  if (!product) throw noSuch("product");
  if (product.status !== "active" && !existing) {
    throw new ApiError("conflict", {
      detail: {
        en: "An inactive product cannot be added to a portfolio",
        es: "Un producto inactivo no se puede agregar a un portafolio",
      },
    });
  }
  const itemChanges = existing
    ? diff({ price: existing.price, position: existing.position }, body)
    : { productId: { before: null, after: productId } };
  if (existing && Object.keys(itemChanges).length === 0) {
    // Nothing to change (an empty body, or the same values): no new version.
    assertIfMatch(c, portfolio.version);
    c.header("ETag", etagFor(portfolio.version));
    return c.json(existing, Status.OK);
  }
  const now = new Date().toISOString();
  const nextPosition = sql`coalesce((select max(${portfolioItems.position}) + 1 from ${portfolioItems} where ${portfolioItems.portfolioId} = ${id}), 0)`;
  const { version, read } = await changeHeld(c, portfolioTarget(id), {
    before: portfolio,
    change: (portfolioAsChecked) =>
      existing
        ? db
            .update(portfolioItems)
            .set({
              ...(body.price !== undefined && { price: body.price }),
              ...(body.position !== undefined && { position: body.position }),
            })
            .where(and(itemKey(id, productId), portfolioAsChecked))
        : db
            .insert(portfolioItems)
            .select(
              // Only while the product is live: a delete that ran meanwhile wins.
              sql`select ${id}, ${productId}, ${body.price ?? null}, ${body.position ?? nextPosition}, ${now} where ${portfolioAsChecked} and exists (select 1 from ${products} where ${liveRow(products, productId)})`,
            )
            .onConflictDoNothing(),
    action: existing ? "portfolio.item_updated" : "portfolio.item_added",
    changes: itemChanges,
    alsoLogged: [itemEntry(id, productId, "upsert")],
    read: itemOf(db, id, productId),
  });
  const [item] = read as PortfolioItem[];
  // Only a concurrent removal of the item, or deletion of the product, leaves nothing.
  if (!item) throw existing ? notInPortfolio() : noSuch("product");
  c.header("ETag", etagFor(version));
  if (existing) return c.json(item, Status.OK);
  c.header("Location", `${API_BASE}/portfolios/${id}/items/${productId}`);
  return c.json(item, Status.CREATED);
};

export const removeItem: AppRouteHandler<typeof routes.removeItem> = async (c) => {
  const { id, productId } = c.req.valid("param");
  const db = c.var.db;
  const [[portfolio], [existing]] = await db.batch([
    findPortfolio(db, id),
    itemOf(db, id, productId),
  ]);
  if (!portfolio) throw notFound();
  if (!existing) throw notInPortfolio();
  await changeHeld(c, portfolioTarget(id), {
    before: portfolio,
    change: (portfolioAsChecked) =>
      db.delete(portfolioItems).where(and(itemKey(id, productId), portfolioAsChecked)),
    action: "portfolio.item_removed",
    changes: { productId: { before: productId, after: null } },
    alsoLogged: [itemEntry(id, productId, "delete")],
  });
  return c.body(null, Status.NO_CONTENT);
};
