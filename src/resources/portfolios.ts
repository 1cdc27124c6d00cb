import { z } from "@hono/zod-openapi";
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { portfolioItems, portfolios, products } from "../db/schema";
import { isLive } from "../db/versions";
import { DOCS } from "../lib/docs";
import { resourceVersion } from "../lib/etag";
import { id, timestamp, timestamps } from "../lib/fields";
import { createSelectSchema } from "../lib/table-schema";
import { PortfolioStatusSchema, ProductUnitSchema } from "./enums";
import { price } from "./money";

/**
 * A portfolio and its items as the API shows them: read through /portfolios by staff,
 * and through /establishments/{id}/portfolio by the sellers of the stores that carry it.
 */
const { deletedAt: _deletedAt, ...publicColumns } = getTableColumns(portfolios);

/** Columns of a portfolio as returned, with its item count from a subquery. */
export const portfolioColumns = {
  ...publicColumns,
  itemCount:
    sql<number>`(select count(*) from ${portfolioItems} where ${portfolioItems.portfolioId} = ${portfolios.id})`.mapWith(
      Number,
    ),
};

// Not itself registered, so CarriedPortfolio below extends it into one flat object rather
// than an allOf of Portfolio and its items (which docs UIs render as "any & object").
const portfolioShape = createSelectSchema(portfolios, {
  ...timestamps(),
  status: PortfolioStatusSchema,
  version: resourceVersion(),
})
  .omit({ deletedAt: true })
  .extend({
    itemCount: z
      .number()
      .int()
      .min(0)
      .openapi({ description: DOCS ? "Products in the portfolio." : "", example: 24 }),
  });

export const PortfolioSchema = portfolioShape.openapi("Portfolio");
export type Portfolio = z.infer<typeof PortfolioSchema>;

/**
 * An item as a seller needs it: the product's essentials and the price to charge.
 * Both tables have a `price` column: each gets its own alias, because D1 batch results
 * are keyed by column name and a duplicate name would silently overwrite the other.
 */
export const itemColumns = {
  productId: portfolioItems.productId,
  position: portfolioItems.position,
  addedAt: portfolioItems.addedAt,
  sku: products.sku,
  name: products.name,
  unit: products.unit,
  currency: products.currency,
  listPrice: sql<number>`${products.price}`.mapWith(Number).as("list_price"),
  price: sql<number | null>`${portfolioItems.price}`.as("override_price"),
  effectivePrice: sql<number>`coalesce(${portfolioItems.price}, ${products.price})`
    .mapWith(Number)
    .as("effective_price"),
};

/**
 * What narrows the items read: a portfolio's list takes its portfolio from the path, the
 * CSV export of items from the query.
 */
export const ItemFiltersSchema = z.object({
  portfolioId: id()
    .optional()
    .openapi({ description: DOCS ? "Only this portfolio's items." : "" }),
});

/**
 * The items a list or export shows: of a live product (a deleted product is gone for
 * clients), in one portfolio when one is named. Both join `products` for it.
 */
export const shownItems = ({ portfolioId }: z.infer<typeof ItemFiltersSchema>) =>
  and(
    portfolioId === undefined ? undefined : eq(portfolioItems.portfolioId, portfolioId),
    isLive(products),
  );

export const PortfolioItemSchema = z
  .object({
    productId: z.string(),
    position: z.number().int().min(0).openapi({ example: 0 }),
    addedAt: timestamp(),
    sku: z.string(),
    name: z.string(),
    unit: ProductUnitSchema,
    currency: z.string().openapi({ example: "COP" }),
    listPrice: price().openapi({
      description: DOCS ? "The product's price, in its `currency`." : "",
    }),
    price: price()
      .nullable()
      .openapi({ description: DOCS ? "This portfolio's price, or null for the list price." : "" }),
    effectivePrice: price().openapi({
      description: DOCS ? "What to charge: this portfolio's price, else the list price." : "",
    }),
  })
  .openapi("PortfolioItem");
export type PortfolioItem = z.infer<typeof PortfolioItemSchema>;

export const CarriedPortfolioSchema = portfolioShape
  .extend({ items: z.array(PortfolioItemSchema) })
  .openapi("CarriedPortfolio");
