import { z } from "@hono/zod-openapi";
import { getTableColumns, sql } from "drizzle-orm";
import { createSchemaFactory } from "drizzle-zod";
import {
  portfolioItems,
  portfolioStatuses,
  portfolios,
  products,
  productUnits,
} from "../../db/schema";
import { minorUnits, searchText, text, timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";

const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

/** A portfolio can list at most this many products in one create. */
export const MAX_ITEMS_PER_REQUEST = 2000;

const { deletedAt: _deletedAt, ...publicColumns } = getTableColumns(portfolios);

/** Columns of a portfolio as returned, with its item count from a subquery. */
export const portfolioColumns = {
  ...publicColumns,
  itemCount:
    sql<number>`(select count(*) from ${portfolioItems} where ${portfolioItems.portfolioId} = ${portfolios.id})`.mapWith(
      Number,
    ),
};

export const PortfolioSchema = createSelectSchema(portfolios, {
  createdAt: timestamp(),
  updatedAt: timestamp(),
})
  .omit({ deletedAt: true })
  .extend({ itemCount: z.number().int() })
  .openapi("Portfolio");
export type Portfolio = z.infer<typeof PortfolioSchema>;

const position = () => z.number().int().min(0).max(1_000_000);

export const NewItemSchema = z
  .strictObject({
    productId: z.string().min(1).max(64),
    price: minorUnits().optional().openapi({ description: "Overrides the product's list price." }),
    position: position()
      .optional()
      .openapi({ description: "Order in the portfolio; defaults to the list order." }),
  })
  .openapi("NewPortfolioItem");

const fields = {
  name: text(120),
  description: text(2000),
  status: z.enum(portfolioStatuses),
};

export const CreatePortfolioSchema = z
  .strictObject({
    ...fields,
    description: fields.description.optional(),
    status: fields.status.default("active"),
    items: z.array(NewItemSchema).max(MAX_ITEMS_PER_REQUEST).default([]),
  })
  .openapi("CreatePortfolio");

export const UpdatePortfolioSchema = z
  .strictObject({ ...fields, description: fields.description.nullable() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdatePortfolio");

export const PortfolioListQuerySchema = listQuerySchema(
  ["name", "createdAt", "updatedAt"],
  "name",
).extend({
  q: searchText("name"),
  status: z.enum(portfolioStatuses).optional(),
  productId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Only portfolios that contain this product." }),
});

export const PortfolioPageSchema = pageSchema(PortfolioSchema).openapi("PortfolioPage");

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

export const PortfolioItemSchema = z
  .object({
    productId: z.string(),
    position: z.number().int(),
    addedAt: timestamp(),
    sku: z.string(),
    name: z.string(),
    unit: z.enum(productUnits),
    currency: z.string(),
    listPrice: z.number().int(),
    price: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The override, or null for the list price." }),
    effectivePrice: z
      .number()
      .int()
      .openapi({ description: "What to charge: the override, else the list price." }),
  })
  .openapi("PortfolioItem");

export const PortfolioItemPageSchema = pageSchema(PortfolioItemSchema).openapi("PortfolioItemPage");

export const ItemListQuerySchema = listQuerySchema(["position"], "position");

export const PutItemSchema = z
  .strictObject({
    price: minorUnits()
      .nullable()
      .optional()
      .openapi({ description: "Override; null restores the list price." }),
    position: position().optional(),
  })
  .openapi("PutPortfolioItem");

export const CarriedPortfolioSchema = PortfolioSchema.extend({
  items: z.array(PortfolioItemSchema),
}).openapi("CarriedPortfolio");
