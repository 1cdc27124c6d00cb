import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { IdempotencyKeyHeaderSchema } from "../../db/idempotency";
import { IfMatchHeaderSchema, IfNoneMatchHeaderSchema } from "../../lib/etag";
import { idParam } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { etagHeader, jsonContent, locationHeader } from "../../lib/openapi";
import { problemResponses } from "../../lib/problem";
import {
  CreateProductSchema,
  ProductListQuerySchema,
  ProductPageSchema,
  ProductSchema,
  UpdateProductSchema,
} from "./products.schemas";

const tags = ["Products"];

export const create = protectedRoute(["admin"], {
  method: "post",
  path: "/products",
  tags,
  summary: "Create a product",
  description: "A sku or gtin already in use by a live product → 409 naming the field.",
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: jsonContent(CreateProductSchema) },
  },
  responses: {
    [Status.CREATED]: {
      description: "Created",
      headers: { ...locationHeader, ...etagHeader },
      content: jsonContent(ProductSchema),
    },
    ...problemResponses(Status.BAD_REQUEST, Status.CONFLICT, Status.UNPROCESSABLE_CONTENT),
  },
});

export const list = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/products",
  tags,
  summary: "List products",
  request: { query: ProductListQuerySchema },
  responses: {
    [Status.OK]: { description: "A page of products", content: jsonContent(ProductPageSchema) },
    ...problemResponses(Status.BAD_REQUEST),
  },
});

export const get = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/products/{id}",
  tags,
  summary: "Get a product",
  request: { params: idParam("product"), headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: "The product",
      headers: etagHeader,
      content: jsonContent(ProductSchema),
    },
    [Status.NOT_MODIFIED]: { description: "Unchanged since the If-None-Match ETag" },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const update = protectedRoute(["admin"], {
  method: "patch",
  path: "/products/{id}",
  tags,
  summary: "Update a product",
  request: {
    params: idParam("product"),
    headers: IfMatchHeaderSchema,
    body: { required: true, content: jsonContent(UpdateProductSchema) },
  },
  responses: {
    [Status.OK]: {
      description: "Updated",
      headers: etagHeader,
      content: jsonContent(ProductSchema),
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
  path: "/products/{id}",
  tags,
  summary: "Delete a product",
  description:
    "Soft delete: the product disappears from reads and lists, its sku and gtin can be " +
    "reused, and every portfolio that held it drops it from its items.",
  request: { params: idParam("product"), headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: "Deleted" },
    ...problemResponses(Status.NOT_FOUND, Status.PRECONDITION_FAILED),
  },
});
