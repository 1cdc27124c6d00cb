import { and, eq, inArray } from "drizzle-orm";
import { D1_MAX_BOUND_PARAMETERS, inChunks } from "../../db/chunk";
import type { Database } from "../../db/client";
import { portfolioItems, portfolios, products } from "../../db/schema";
import { isLive, liveRow } from "../../db/versions";
import type { Target } from "../../request/versioned-write";
import { itemColumns, portfolioColumns } from "../../resources/portfolios";

export const findPortfolio = (db: Database, id: string) =>
  db.select(portfolioColumns).from(portfolios).where(liveRow(portfolios, id));

/** The item row of `productId` in portfolio `portfolioId`. */
export const itemKey = (portfolioId: string, productId: string) =>
  and(eq(portfolioItems.portfolioId, portfolioId), eq(portfolioItems.productId, productId));

/** One item of a portfolio, with its product's essentials. */
export const itemOf = (db: Database, portfolioId: string, productId: string) =>
  db
    .select(itemColumns)
    .from(portfolioItems)
    .innerJoin(products, eq(products.id, portfolioItems.productId))
    .where(itemKey(portfolioId, productId));

/** The reads of the live products among `ids` and their status, under D1's parameter limit. */
export const liveProductReads = (db: Database, ids: string[]) =>
  inChunks(ids, D1_MAX_BOUND_PARAMETERS).map((chunk) =>
    db
      .select({ id: products.id, status: products.status })
      .from(products)
      .where(and(inArray(products.id, chunk), isLive(products))),
  );

/** The status of each product the reads found, by id. */
export const statusById = (found: { id: string; status: string }[][]) =>
  new Map(found.flat().map((product) => [product.id, product.status]));

/** The live products among `ids` → their status, read in one round trip. */
export async function liveProducts(db: Database, ids: string[]) {
  const [first, ...rest] = liveProductReads(db, ids);
  return statusById(first ? await db.batch([first, ...rest]) : []);
}

/** A live portfolio, as the target of a write. */
export const portfolioTarget = (id: string): Target<typeof portfolios> => ({
  table: portfolios,
  entityType: "portfolio",
  entityId: id,
  where: liveRow(portfolios, id),
  uniqueFields: { "portfolios.name": "name" },
});
