import { and, eq, inArray } from "drizzle-orm";
import { D1_MAX_BOUND_PARAMETERS } from "../../db/chunk";
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

/** The live products among `ids` → their status, read in one round trip under D1's parameter limit. */
export async function liveProducts(db: Database, ids: string[]) {
  const lookups = [];
  for (let i = 0; i < ids.length; i += D1_MAX_BOUND_PARAMETERS) {
    const chunk = ids.slice(i, i + D1_MAX_BOUND_PARAMETERS);
    lookups.push(
      db
        .select({ id: products.id, status: products.status })
        .from(products)
        .where(and(inArray(products.id, chunk), isLive(products))),
    );
  }
  const [first, ...rest] = lookups;
  if (!first) return new Map<string, string>();
  const found = (await db.batch([first, ...rest])).flat();
  return new Map(found.map((product) => [product.id, product.status]));
}

/** A live portfolio, as the target of a write. */
export const portfolioTarget = (id: string): Target<typeof portfolios> => ({
  table: portfolios,
  entityType: "portfolio",
  entityId: id,
  where: liveRow(portfolios, id),
  uniqueFields: { "portfolios.name": "name" },
});
