import { resourceRoutes } from "../../auth/resource-routes";
import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { idParam } from "../../lib/fields";
import { contentEtagHeader } from "../../lib/openapi";
import { readOperation } from "../../lib/operations";
import { CarriedPortfolioSchema } from "../../resources/portfolios";
import {
  CreateEstablishmentSchema,
  EstablishmentListQuerySchema,
  EstablishmentPageSchema,
  EstablishmentSchema,
  SCOPE_NOTE,
  UpdateEstablishmentSchema,
} from "./establishments.schemas";

const establishments = resourceRoutes({
  path: "/establishments",
  tag: "Establishments",
  noun: "establishment",
  plural: "establishments",
  schema: EstablishmentSchema,
});

export const create = establishments.create(["admin", "seller"], CreateEstablishmentSchema, {
  description:
    "A seller who creates one is assigned to it, and may set only name, kind, address, " +
    "city, department, latitude, longitude and phone (any other field → 403): the store " +
    "carries no portfolio until an admin assigns one. A taxId (NIT) in use → 409.",
});
export const list = establishments.list(
  ALL_ROLES,
  EstablishmentListQuerySchema,
  EstablishmentPageSchema,
  { description: `${SCOPE_NOTE} A seller's list only ever contains their own.` },
);
export const get = establishments.get(ALL_ROLES, { description: SCOPE_NOTE });
export const update = establishments.update(["admin", "seller"], UpdateEstablishmentSchema, {
  description:
    `Admins, or a seller assigned to it. ${SCOPE_NOTE} A seller may change only address, ` +
    "city, department, latitude, longitude and phone (any other field → 403, before the " +
    "store is looked up).",
});
export const replace = establishments.put(["admin", "seller"], CreateEstablishmentSchema, {
  description:
    "For a client that makes its own ids (UUIDv7): a free id creates the store (201, as " +
    "POST: a seller's goes on their route), the id of a store the caller reaches replaces " +
    "it (200) with the body, whose missing fields take their defaults. With `If-Match` only " +
    `a replace, with \`If-None-Match: *\` only a create (else 412). ${SCOPE_NOTE} The id ` +
    "of a deleted store → 409 for an admin (ids are never reused), 404 for a seller. A " +
    "seller sends only name, kind, address, city, department, latitude, longitude and " +
    "phone (any other field → 403), and on a replace name and kind as they are (else " +
    "403): taxId, portfolioId and status stay as an admin set them. A taxId in use → 409.",
});
export const remove = establishments.remove(["admin"], {
  description: "Soft delete: it disappears from reads and lists; its taxId can be reused.",
});

export const carriedPortfolio = protectedRoute(ALL_ROLES, {
  ...readOperation(
    "portfolio and its items",
    idParam("establishment"),
    CarriedPortfolioSchema,
    contentEtagHeader,
  ),
  path: "/establishments/{id}/portfolio",
  operationId: "getCarriedPortfolio",
  tags: ["Establishments"],
  summary: "The portfolio an establishment carries, with all its items",
  description: `What a seller loads before a visit, in one response. ${SCOPE_NOTE} 404 when it carries none.`,
});
