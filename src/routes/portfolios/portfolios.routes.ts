import { resourceRoutes } from "../../auth/resource-routes";
import { ALL_ROLES } from "../../auth/route";
import { PortfolioSchema } from "../../resources/portfolios";
import {
  CreatePortfolioSchema,
  PortfolioListQuerySchema,
  PortfolioPageSchema,
  UpdatePortfolioSchema,
} from "./portfolios.schemas";

const portfolios = resourceRoutes({
  path: "/portfolios",
  tag: "Portfolios",
  noun: "portfolio",
  plural: "portfolios",
  schema: PortfolioSchema,
});

export const create = portfolios.create(["admin"], CreatePortfolioSchema, {
  summary: "Create a portfolio, optionally with up to 2,000 items",
  description:
    "Written atomically. Any unknown, deleted or inactive product, or a product listed twice, " +
    "rejects the whole request with a 400 whose `errors[].path` points at each bad item " +
    "(`/items/17/productId`). A name in use by a live portfolio → 409.",
});
export const list = portfolios.list(ALL_ROLES, PortfolioListQuerySchema, PortfolioPageSchema);
export const get = portfolios.get(ALL_ROLES);
export const update = portfolios.update(["admin"], UpdatePortfolioSchema);
export const replace = portfolios.put(["admin"], CreatePortfolioSchema, {
  summary: "Create or replace a portfolio at an id of yours, with its items",
  description:
    "For a client that makes its own ids (UUIDv7): a free id creates the portfolio and " +
    "its items (201, as POST), the id of a live portfolio replaces it (200) with the body, " +
    "whose missing fields take their defaults. `items`, when sent, replaces the item set " +
    "in the same atomic write (items left out are removed; an empty list removes them " +
    "all); when left out, the items stay as they are. Items are checked as POST checks " +
    "them (400 naming each bad one). A change to the items applies to the portfolio as it " +
    "was read: a write landing in between makes it read again, and after five such writes " +
    "it answers 412. With `If-Match` only a replace, with " +
    "`If-None-Match: *` only a create (else 412). The id of a deleted portfolio → 409: ids " +
    "are never reused. A name in use by another live portfolio → 409.",
});
export const remove = portfolios.remove(["admin"], {
  description:
    "Soft delete; its name can be reused. While live establishments carry it → 409 with " +
    "`dependents` (how many): find them with `GET /establishments?portfolioId={id}` and " +
    "give each another portfolio or none (`PATCH /establishments/{id}`) first.",
  conflicts: true,
});
