import type { Database } from "../../db/client";
import { products } from "../../db/schema";
import { liveRow } from "../../db/versions";
import { nameKeyOf } from "../../lib/search-key";
import type { Target } from "../../request/versioned-write";
import { productColumns } from "../../resources/products";
import type { Product } from "./products.schemas";

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
