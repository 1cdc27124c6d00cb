import { z } from "@hono/zod-openapi";
import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { IdempotencyKeyHeaderSchema } from "../../db/idempotency";
import { IfMatchHeaderSchema, IfNoneMatchHeaderSchema } from "../../lib/etag";
import { idParam } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { etagHeader, jsonContent, locationHeader } from "../../lib/openapi";
import { problemResponses } from "../../lib/problem";
import { CarriedPortfolioSchema } from "../portfolios/portfolios.schemas";
import {
  CreateEstablishmentSchema,
  EstablishmentListQuerySchema,
  EstablishmentPageSchema,
  EstablishmentSchema,
  SellerSummarySchema,
  UpdateEstablishmentSchema,
} from "./establishments.schemas";

const tags = ["Establishments"];
const SCOPE = "Sellers only reach establishments on their route; any other id is a 404.";
const sellerParams = idParam("establishment").extend({
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "userId", in: "path" }, description: "The seller's user id" }),
});

export const create = protectedRoute(["admin", "seller"], {
  method: "post",
  path: "/establishments",
  tags,
  summary: "Create an establishment",
  description:
    "A seller who creates one is assigned to it, and may set only name, kind, address, " +
    "city, department, latitude, longitude and phone (any other field → 403): the store " +
    "carries no portfolio until an admin assigns one. A taxId (NIT) in use → 409.",
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: jsonContent(CreateEstablishmentSchema) },
  },
  responses: {
    [Status.CREATED]: {
      description: "Created",
      headers: { ...locationHeader, ...etagHeader },
      content: jsonContent(EstablishmentSchema),
    },
    ...problemResponses(Status.BAD_REQUEST, Status.CONFLICT, Status.UNPROCESSABLE_CONTENT),
  },
});

export const list = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/establishments",
  tags,
  summary: "List establishments",
  description: `${SCOPE} A seller's list only ever contains their own.`,
  request: { query: EstablishmentListQuerySchema },
  responses: {
    [Status.OK]: {
      description: "A page of establishments",
      content: jsonContent(EstablishmentPageSchema),
    },
    ...problemResponses(Status.BAD_REQUEST),
  },
});

export const get = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/establishments/{id}",
  tags,
  summary: "Get an establishment",
  description: SCOPE,
  request: { params: idParam("establishment"), headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: "The establishment",
      headers: etagHeader,
      content: jsonContent(EstablishmentSchema),
    },
    [Status.NOT_MODIFIED]: { description: "Unchanged since the If-None-Match ETag" },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const update = protectedRoute(["admin", "seller"], {
  method: "patch",
  path: "/establishments/{id}",
  tags,
  summary: "Update an establishment",
  description:
    `Admins, or a seller assigned to it. ${SCOPE} A seller may change only address, city, ` +
    "department, latitude, longitude and phone (any other field → 403, before the store " +
    "is looked up).",
  request: {
    params: idParam("establishment"),
    headers: IfMatchHeaderSchema,
    body: { required: true, content: jsonContent(UpdateEstablishmentSchema) },
  },
  responses: {
    [Status.OK]: {
      description: "Updated",
      headers: etagHeader,
      content: jsonContent(EstablishmentSchema),
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
  path: "/establishments/{id}",
  tags,
  summary: "Delete an establishment",
  description: "Soft delete: it disappears from reads and lists; its taxId can be reused.",
  request: { params: idParam("establishment"), headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: "Deleted" },
    ...problemResponses(Status.NOT_FOUND, Status.PRECONDITION_FAILED),
  },
});

export const listSellers = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/establishments/{id}/sellers",
  tags,
  summary: "Sellers assigned to an establishment",
  description: SCOPE,
  request: { params: idParam("establishment") },
  responses: {
    [Status.OK]: {
      description: "The sellers",
      content: jsonContent(z.object({ data: z.array(SellerSummarySchema) }).openapi("SellerList")),
    },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const assignSeller = protectedRoute(["admin"], {
  method: "put",
  path: "/establishments/{id}/sellers/{userId}",
  tags,
  summary: "Put an establishment on a seller's route",
  description: "Idempotent. Unknown establishment or user → 404; a user who is not a seller → 409.",
  request: { params: sellerParams, headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: "Assigned (or already was)" },
    ...problemResponses(Status.NOT_FOUND, Status.CONFLICT),
  },
});

export const unassignSeller = protectedRoute(["admin"], {
  method: "delete",
  path: "/establishments/{id}/sellers/{userId}",
  tags,
  summary: "Take an establishment off a seller's route",
  description: "Idempotent.",
  request: { params: sellerParams, headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: "Unassigned (or was not assigned)" },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const carriedPortfolio = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/establishments/{id}/portfolio",
  tags,
  summary: "The portfolio an establishment carries, with all its items",
  description: `What a seller loads before a visit, in one response. ${SCOPE} 404 when it carries none.`,
  request: { params: idParam("establishment"), headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: "The portfolio and its items",
      headers: etagHeader,
      content: jsonContent(CarriedPortfolioSchema),
    },
    [Status.NOT_MODIFIED]: { description: "Unchanged since the If-None-Match ETag" },
    ...problemResponses(Status.NOT_FOUND),
  },
});
