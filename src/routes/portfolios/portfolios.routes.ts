import { resourceRoutes } from "../../auth/resource-routes";
import { ALL_ROLES } from "../../auth/route";
import { DOCS } from "../../lib/docs";
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
  summary: DOCS ? "Create a portfolio, optionally with up to 2,000 items" : "",
  description: DOCS
    ? "Written atomically. Any unknown, deleted or inactive product, or a product listed twice, " +
      "rejects the whole request with a 400 whose `errors[].path` points at each bad item " +
      "(`/items/17/productId`). A name in use by a live portfolio → 409."
    : "",
});
export const list = portfolios.list(ALL_ROLES, PortfolioListQuerySchema, PortfolioPageSchema);
export const get = portfolios.get(ALL_ROLES);
export const update = portfolios.update(["admin"], UpdatePortfolioSchema);
export const replace = portfolios.put(["admin"], CreatePortfolioSchema, {
  summary: DOCS ? "Create or replace a portfolio at an id of yours, with its items" : "",
  description: DOCS
    ? "`items`, when sent, replace the item set in the same write, checked as POST checks " +
      "them; left out, the items stay. A write landing between its read and its write makes " +
      "it read again; after five, 412. A name another live portfolio has → 409."
    : "",
});
export const remove = portfolios.remove(["admin"], {
  description: DOCS
    ? "Soft delete; its name can be reused. While live establishments carry it → 409 with " +
      "`dependents` (how many): find them with `GET /establishments?portfolioId={id}` and " +
      "give each another portfolio or none (`PATCH /establishments/{id}`) first."
    : "",
  conflicts: true,
});
