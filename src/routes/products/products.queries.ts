import { getTableColumns } from "drizzle-orm";
import type { Database } from "../../db/client";
import { products } from "../../db/schema";
import { liveRow } from "../../db/versions";
import { nameKeyOf } from "../../lib/search-key";
import type { Target } from "../../request/versioned-write";
import type { Product } from "./products.schemas";

/**
 * Columns a product is returned with: deletedAt is internal (deleted products are 404),
 * nameKey is how search reads the name.
 */
const { deletedAt: _deletedAt, nameKey: _nameKey, ...publicColumns } = getTableColumns(products);
export const productColumns = publicColumns;

export async function findProduct(db: Database, id: string): Promise<Product | undefined> {
  const [product] = await db.select(productColumns).from(products).where(liveRow(products, id));
  return product;
}

/** A live product, as the target of a write. D1 names a partial unique index by its column. */
export const productTarget = (id: string): Target<typeof products> => ({
  table: products,
  entityType: "product",
  entityId: id,
  where: liveRow(products, id),
  derived: nameKeyOf,
  uniqueFields: { "products.sku": "sku", "products.gtin": "gtin" },
});
