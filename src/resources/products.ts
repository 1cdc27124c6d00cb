import { z } from "@hono/zod-openapi";
import { and, eq, getTableColumns, gte, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { keyset } from "../db/keyset";
import { products } from "../db/schema";
import { contains, containsKey } from "../db/search";
import { isLive } from "../db/versions";
import { resourceVersion } from "../lib/etag";
import { searchText, timestamps, updatedSince } from "../lib/fields";
import { createSelectSchema } from "../lib/table-schema";
import { ProductStatusSchema, ProductUnitSchema } from "./enums";
import { price } from "./money";

/**
 * Columns a product is returned with: deletedAt is internal (deleted products are 404),
 * nameKey is how search reads the name.
 */
const { deletedAt: _deletedAt, nameKey: _nameKey, ...publicColumns } = getTableColumns(products);
export const productColumns = publicColumns;

/** A product as the API shows it: GET /products/{id}, its list, the sync feed. */
export const ProductSchema = createSelectSchema(products, {
  ...timestamps(),
  unit: ProductUnitSchema,
  price: price(),
  status: ProductStatusSchema,
  version: resourceVersion(),
})
  .omit({ deletedAt: true, nameKey: true })
  .openapi("Product");
export type Product = z.infer<typeof ProductSchema>;

/** The filters of the product list; its CSV export takes the same. */
export const ProductFiltersSchema = z.object({
  q: searchText("name or sku"),
  category: z.string().min(1).max(80).optional(),
  status: ProductStatusSchema.optional(),
  gtin: z.string().min(1).max(14).optional(),
  updatedSince: updatedSince(),
});
type ProductFilters = z.infer<typeof ProductFiltersSchema>;

const sortColumns = {
  name: products.name,
  sku: products.sku,
  price: products.price,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};
type ProductSort = keyof typeof sortColumns;

/**
 * A keyset page of the live products that pass the filters: the one query behind the
 * product list and its export, so the two cannot filter differently.
 */
export async function productPage(
  db: Database,
  query: ProductFilters & { sort: ProductSort | `-${ProductSort}`; cursor?: string; limit: number },
) {
  const { limit, q, category, status, gtin, updatedSince } = query;
  const page = keyset(query, products.id, sortColumns);
  const rows = await db
    .select(productColumns)
    .from(products)
    .where(
      and(
        isLive(products),
        q === undefined
          ? undefined
          : or(containsKey(products.nameKey, q), contains(products.sku, q)),
        category === undefined ? undefined : eq(products.category, category),
        status === undefined ? undefined : eq(products.status, status),
        gtin === undefined ? undefined : eq(products.gtin, gtin),
        updatedSince === undefined ? undefined : gte(products.updatedAt, updatedSince),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return page.toPage(rows, limit);
}
