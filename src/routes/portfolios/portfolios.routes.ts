import { z } from "@hono/zod-openapi";
import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { IdempotencyKeyHeaderSchema } from "../../db/idempotency";
import { IfMatchHeaderSchema, IfNoneMatchHeaderSchema } from "../../lib/etag";
import { idParam } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { etagHeader, jsonContent, locationHeader } from "../../lib/openapi";
import { problemResponses } from "../../lib/problem";
import {
  CreatePortfolioSchema,
  ItemListQuerySchema,
  PortfolioItemPageSchema,
  PortfolioItemSchema,
  PortfolioListQuerySchema,
  PortfolioPageSchema,
  PortfolioSchema,
  PutItemSchema,
  UpdatePortfolioSchema,
} from "./portfolios.schemas";

const tags = ["Portfolios"];
const itemParams = idParam("portfolio").extend({
  productId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "productId", in: "path" }, description: "The product's id" }),
});

export const create = protectedRoute(["admin"], {
  method: "post",
  path: "/portfolios",
  tags,
  summary: "Create a portfolio, optionally with up to 2,000 items",
  description:
    "Written atomically. Any unknown, deleted or inactive product, or a product listed twice, " +
    "rejects the whole request with a 400 whose `errors[].path` points at each bad item " +
    "(`/items/17/productId`). A name in use by a live portfolio → 409.",
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: jsonContent(CreatePortfolioSchema) },
  },
  responses: {
    [Status.CREATED]: {
      description: "Created",
      headers: { ...locationHeader, ...etagHeader },
      content: jsonContent(PortfolioSchema),
    },
    ...problemResponses(Status.BAD_REQUEST, Status.CONFLICT, Status.UNPROCESSABLE_CONTENT),
  },
});

export const list = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/portfolios",
  tags,
  summary: "List portfolios",
  request: { query: PortfolioListQuerySchema },
  responses: {
    [Status.OK]: { description: "A page of portfolios", content: jsonContent(PortfolioPageSchema) },
    ...problemResponses(Status.BAD_REQUEST),
  },
});

export const get = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/portfolios/{id}",
  tags,
  summary: "Get a portfolio",
  request: { params: idParam("portfolio"), headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: "The portfolio",
      headers: etagHeader,
      content: jsonContent(PortfolioSchema),
    },
    [Status.NOT_MODIFIED]: { description: "Unchanged since the If-None-Match ETag" },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const update = protectedRoute(["admin"], {
  method: "patch",
  path: "/portfolios/{id}",
  tags,
  summary: "Update a portfolio",
  request: {
    params: idParam("portfolio"),
    headers: IfMatchHeaderSchema,
    body: { required: true, content: jsonContent(UpdatePortfolioSchema) },
  },
  responses: {
    [Status.OK]: {
      description: "Updated",
      headers: etagHeader,
      content: jsonContent(PortfolioSchema),
    },
    ...problemResponses(
      Status.BAD_REQUEST,
      Status.NOT_FOUND,
      Status.CONFLICT,
      Status.PRECONDITION_FAILED,
    ),
  },
});

export const remove = protectedRoute(["admin"], {
  method: "delete",
  path: "/portfolios/{id}",
  tags,
  summary: "Delete a portfolio",
  description:
    "Soft delete. Establishments carrying it are left with `portfolioId: null`; its name can be reused.",
  request: { params: idParam("portfolio"), headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: "Deleted" },
    ...problemResponses(Status.NOT_FOUND, Status.PRECONDITION_FAILED),
  },
});

export const listItems = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/portfolios/{id}/items",
  tags,
  summary: "A portfolio's items, in order",
  description:
    "Each item carries the product's sku, name, unit, list price and the effective price.",
  request: { params: idParam("portfolio"), query: ItemListQuerySchema },
  responses: {
    [Status.OK]: { description: "A page of items", content: jsonContent(PortfolioItemPageSchema) },
    ...problemResponses(Status.BAD_REQUEST, Status.NOT_FOUND),
  },
});

export const putItem = protectedRoute(["admin"], {
  method: "put",
  path: "/portfolios/{id}/items/{productId}",
  tags,
  summary: "Add a product to a portfolio, or change its price or position",
  description:
    "201 when added, 200 when updated; each bumps the portfolio's version. Unknown portfolio " +
    "or product → 404; an inactive product → 409.",
  request: {
    params: itemParams,
    headers: IfMatchHeaderSchema,
    body: { required: true, content: jsonContent(PutItemSchema) },
  },
  responses: {
    [Status.OK]: {
      description: "Updated",
      headers: etagHeader,
      content: jsonContent(PortfolioItemSchema),
    },
    [Status.CREATED]: {
      description: "Added",
      headers: { ...locationHeader, ...etagHeader },
      content: jsonContent(PortfolioItemSchema),
    },
    ...problemResponses(
      Status.BAD_REQUEST,
      Status.NOT_FOUND,
      Status.CONFLICT,
      Status.PRECONDITION_FAILED,
    ),
  },
});

export const removeItem = protectedRoute(["admin"], {
  method: "delete",
  path: "/portfolios/{id}/items/{productId}",
  tags,
  summary: "Remove a product from a portfolio",
  request: { params: itemParams, headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: "Removed" },
    ...problemResponses(Status.NOT_FOUND, Status.PRECONDITION_FAILED),
  },
});
