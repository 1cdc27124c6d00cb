import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { IfMatchHeaderSchema } from "../../lib/etag";
import { idParam, pathIds } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { etagHeader, jsonContent, locationHeader, optionalJsonBody } from "../../lib/openapi";
import { deleteOperation, heldListOperation } from "../../lib/operations";
import { problemResponses } from "../../lib/problem";
import { PortfolioItemSchema } from "../../resources/portfolios";
import { ItemListQuerySchema, PortfolioItemPageSchema, PutItemSchema } from "./portfolios.schemas";

/** The products a portfolio holds, each with its position and optional price. */
const tags = ["Portfolios"];
const params = pathIds({ id: "portfolio", productId: "product" });

export const listItems = protectedRoute(ALL_ROLES, {
  ...heldListOperation("items", idParam("portfolio"), ItemListQuerySchema, PortfolioItemPageSchema),
  path: "/portfolios/{id}/items",
  operationId: "listPortfolioItems",
  tags,
  summary: DOCS ? "A portfolio's items, in order" : "",
  description: DOCS
    ? "Each item carries the product's sku, name, unit, list price and the effective price. " +
      "An unknown portfolio → 404."
    : "",
});

export const putItem = protectedRoute(["admin"], {
  method: "put",
  path: "/portfolios/{id}/items/{productId}",
  operationId: "putPortfolioItem",
  tags,
  summary: DOCS ? "Add a product to a portfolio, or change its price or position" : "",
  description: DOCS
    ? "201 when added, 200 when updated; each bumps the portfolio's version. The body is " +
      "optional: without one, a new item goes last at the list price and an existing one is " +
      "left as it is. Unknown portfolio or product → 404; an inactive product → 409."
    : "",
  request: { params, headers: IfMatchHeaderSchema, body: optionalJsonBody(PutItemSchema) },
  responses: {
    [Status.OK]: {
      description: DOCS ? "Updated" : "",
      headers: etagHeader,
      content: jsonContent(PortfolioItemSchema),
    },
    [Status.CREATED]: {
      description: DOCS ? "Added" : "",
      headers: { ...locationHeader, ...etagHeader },
      content: jsonContent(PortfolioItemSchema),
    },
    ...problemResponses(Status.NOT_FOUND, Status.CONFLICT),
  },
});

export const removeItem = protectedRoute(["admin"], {
  ...deleteOperation(params, "Removed"),
  path: "/portfolios/{id}/items/{productId}",
  operationId: "removePortfolioItem",
  tags,
  summary: DOCS ? "Remove a product from a portfolio" : "",
});
