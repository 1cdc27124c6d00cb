import { z } from "@hono/zod-openapi";
import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { IfMatchHeaderSchema } from "../../lib/etag";
import { idParam, pathIds } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { deleteOperation, heldListOperation } from "../../lib/operations";
import { problemResponses } from "../../lib/problem";
import { SCOPE_NOTE, SellerSummarySchema } from "./establishments.schemas";

/** The sellers who have an establishment on their route. */
const tags = ["Establishments"];
const params = pathIds({ id: "establishment", userId: "seller" });

const SellerListSchema = z.object({ data: z.array(SellerSummarySchema) }).openapi("SellerList");

export const listSellers = protectedRoute(ALL_ROLES, {
  ...heldListOperation("sellers", idParam("establishment"), z.object({}), SellerListSchema),
  path: "/establishments/{id}/sellers",
  operationId: "listEstablishmentSellers",
  tags,
  summary: DOCS ? "Sellers assigned to an establishment" : "",
  description: SCOPE_NOTE,
});

export const assignSeller = protectedRoute(["admin"], {
  method: "put",
  path: "/establishments/{id}/sellers/{userId}",
  operationId: "assignEstablishmentSeller",
  tags,
  summary: DOCS ? "Put an establishment on a seller's route" : "",
  description: DOCS
    ? "Idempotent. Unknown establishment or user → 404; a user who is not a seller → 409."
    : "",
  request: { params, headers: IfMatchHeaderSchema },
  responses: {
    [Status.NO_CONTENT]: { description: DOCS ? "Assigned (or already was)" : "" },
    ...problemResponses(Status.NOT_FOUND, Status.CONFLICT),
  },
});

export const unassignSeller = protectedRoute(["admin"], {
  ...deleteOperation(params, "Unassigned (or was not assigned)"),
  path: "/establishments/{id}/sellers/{userId}",
  operationId: "unassignEstablishmentSeller",
  tags,
  summary: DOCS ? "Take an establishment off a seller's route" : "",
  description: DOCS ? "Idempotent." : "",
});
