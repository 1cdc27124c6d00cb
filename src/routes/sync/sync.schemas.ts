import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { timestamp } from "../../lib/fields";
import { EstablishmentSchema } from "../../resources/establishments";
import { PortfolioSchema } from "../../resources/portfolios";
import { ProductSchema } from "../../resources/products";
import { SYNC_SECTIONS } from "../../resources/sync";

export const SYNC_MAX_LIMIT = 1000;

export const SyncQuerySchema = z.object({
  cursor: z
    .string()
    .max(16_000)
    .optional()
    .openapi({
      description: DOCS
        ? "The `nextCursor` of the previous answer; none for a full snapshot (the first sync of a device, or after a 410)."
        : "",
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(SYNC_MAX_LIMIT)
    .default(SYNC_MAX_LIMIT)
    .openapi({
      description: DOCS ? `Entries per page, 1..${SYNC_MAX_LIMIT}.` : "",
      example: SYNC_MAX_LIMIT,
    }),
});

const price = z.number().int().min(0);

export const SyncPortfolioItemSchema = z
  .object({
    portfolioId: z.string(),
    productId: z.string(),
    price: price.nullable().openapi({
      description: DOCS ? "This portfolio's price, or null for the product's list price." : "",
    }),
    position: z.number().int().min(0),
    addedAt: timestamp(),
  })
  .openapi("SyncPortfolioItem", {
    description: DOCS
      ? "A product in a portfolio; its product is a `product` entry of the feed."
      : "",
  });

const upsert = <T extends string, S extends z.ZodType>(type: T, data: S, what: string) =>
  z
    .object({
      type: z.literal(type),
      id: z.string().openapi({
        description:
          type === "portfolioItem" ? "`<portfolioId>/<productId>`." : `The ${what}'s id.`,
      }),
      op: z.literal("upsert"),
      data,
    })
    .openapi({
      description: DOCS ? `The ${what} as it is now: insert or replace the local copy.` : "",
    });

export const SyncChangeSchema = z
  .union([
    upsert("portfolio", PortfolioSchema, "portfolio"),
    upsert("product", ProductSchema, "product"),
    upsert("portfolioItem", SyncPortfolioItemSchema, "portfolio item"),
    upsert("establishment", EstablishmentSchema, "establishment"),
    z
      .object({
        type: z.enum(SYNC_SECTIONS),
        id: z.string(),
        op: z.literal("delete"),
      })
      .openapi("SyncTombstone", {
        description: DOCS
          ? "Gone for this caller — deleted, or out of their scope now (a store taken off their route, a product dropped from their portfolio, a portfolio none of their stores carries): delete the local copy if there is one."
          : "",
      }),
  ])
  .openapi("SyncChange");

export const SyncPageSchema = z
  .object({
    data: z.array(SyncChangeSchema).openapi({
      description: DOCS
        ? "Changes in sections — portfolios, products, portfolio items, establishments — each in id order."
        : "",
    }),
    nextCursor: z.string().openapi({
      description: DOCS
        ? "Pass as `cursor` next time: for the next page while `hasMore`, else for the next sync. Unchanged when nothing changed."
        : "",
    }),
    hasMore: z
      .boolean()
      .openapi({ description: DOCS ? "More pages of this sync follow: ask again now." : "" }),
  })
  .openapi("SyncPage");
