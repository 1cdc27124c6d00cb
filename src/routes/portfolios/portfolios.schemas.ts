import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { id, patchBody, searchText, text } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { PortfolioStatusSchema, withDefault } from "../../resources/enums";
import { price } from "../../resources/money";
import { PortfolioItemSchema, PortfolioSchema } from "../../resources/portfolios";

/** A portfolio can list at most this many products in one create. */
export const MAX_ITEMS_PER_REQUEST = 2000;

const position = () => z.number().int().min(0).max(1_000_000).openapi({ example: 0 });

export const NewItemSchema = z
  .strictObject({
    productId: id(),
    price: price()
      .optional()
      .openapi({
        description: DOCS ? "This portfolio's price, instead of the product's list price." : "",
      }),
    position: position()
      .optional()
      .openapi({ description: DOCS ? "Order in the portfolio; defaults to the list order." : "" }),
  })
  .openapi("NewPortfolioItem");

const fields = {
  name: text(120),
  description: text(2000),
  status: PortfolioStatusSchema,
};

export const CreatePortfolioSchema = z
  .strictObject({
    ...fields,
    description: fields.description.optional(),
    status: withDefault(PortfolioStatusSchema, "active"),
    items: z.array(NewItemSchema).max(MAX_ITEMS_PER_REQUEST).default([]),
  })
  .openapi("CreatePortfolio");
export type CreatePortfolio = z.infer<typeof CreatePortfolioSchema>;

export const UpdatePortfolioSchema = patchBody({
  ...fields,
  description: fields.description.nullable(),
}).openapi("UpdatePortfolio", {
  minProperties: 1,
});

export const PortfolioListQuerySchema = listQuerySchema(
  ["name", "createdAt", "updatedAt"],
  "name",
).extend({
  q: searchText("name"),
  status: PortfolioStatusSchema.optional(),
  productId: id()
    .optional()
    .openapi({ description: DOCS ? "Only portfolios that contain this product." : "" }),
});

export const PortfolioPageSchema = pageSchema(PortfolioSchema).openapi("PortfolioPage");

export const PortfolioItemPageSchema = pageSchema(PortfolioItemSchema).openapi("PortfolioItemPage");

export const ItemListQuerySchema = listQuerySchema(["position"], "position");

export const PutItemSchema = z
  .strictObject({
    price: price()
      .nullable()
      .optional()
      .openapi({
        description: DOCS ? "This portfolio's price; null restores the list price." : "",
      }),
    position: position().optional(),
  })
  .openapi("PutPortfolioItem");
