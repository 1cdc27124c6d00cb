import { resourceRoutes } from "../../auth/resource-routes";
import { ALL_ROLES } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import {
  CreateProductSchema,
  ProductListQuerySchema,
  ProductPageSchema,
  ProductSchema,
  UpdateProductSchema,
} from "./products.schemas";

const products = resourceRoutes({
  path: "/products",
  tag: "Products",
  noun: "product",
  plural: "products",
  schema: ProductSchema,
});

export const create = products.create(["admin"], CreateProductSchema, {
  description: DOCS ? "A sku or gtin already in use by a live product → 409 naming the field." : "",
});
export const list = products.list(ALL_ROLES, ProductListQuerySchema, ProductPageSchema);
export const get = products.get(ALL_ROLES);
export const update = products.update(["admin"], UpdateProductSchema);
export const replace = products.put(["admin"], CreateProductSchema, {
  description: DOCS ? "A sku or gtin another live product has → 409 naming the field." : "",
});
export const remove = products.remove(["admin"], {
  description: DOCS
    ? "Soft delete: the product disappears from reads and lists, and its sku and gtin can be " +
      "reused. While live portfolios list it → 409 with `dependents` (how many): find them " +
      "with `GET /portfolios?productId={id}` and remove it with " +
      "`DELETE /portfolios/{portfolioId}/items/{id}` first."
    : "",
  conflicts: true,
});
