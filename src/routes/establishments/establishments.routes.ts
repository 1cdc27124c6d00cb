import { resourceRoutes } from "../../auth/resource-routes";
import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
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
  description: DOCS
    ? "A seller who creates one is assigned to it, and may set only name, kind, address, " +
      "city, department, latitude, longitude and phone (any other field → 403): the store " +
      "carries no portfolio until an admin assigns one. A taxId (NIT) or code in use → 409."
    : "",
});
export const list = establishments.list(
  ALL_ROLES,
  EstablishmentListQuerySchema,
  EstablishmentPageSchema,
  { description: DOCS ? `${SCOPE_NOTE} A seller's list only ever contains their own.` : "" },
);
export const get = establishments.get(ALL_ROLES, { description: SCOPE_NOTE });
export const update = establishments.update(["admin", "seller"], UpdateEstablishmentSchema, {
  description: DOCS
    ? `Admins, or a seller assigned to it. ${SCOPE_NOTE} A seller may change only address, ` +
      "city, department, latitude, longitude and phone (any other field → 403, before the " +
      "store is looked up). A taxId or code in use → 409."
    : "",
});
export const replace = establishments.put(["admin", "seller"], CreateEstablishmentSchema, {
  description: DOCS
    ? `${SCOPE_NOTE} A deleted store is a 404 to a seller. A seller's new store goes on their ` +
      "route; a seller sends only the fields POST lets them set (else 403), on a replace " +
      "name and kind as stored (else 403), and taxId, code, portfolioId and status stay as " +
      "an admin set them. A taxId or code in use → 409."
    : "",
});
export const remove = establishments.remove(["admin"], {
  description: DOCS
    ? "Soft delete: it disappears from reads and lists; its taxId and code can be reused."
    : "",
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
  summary: DOCS ? "The portfolio an establishment carries, with all its items" : "",
  description: DOCS
    ? `What a seller loads before a visit, in one response. ${SCOPE_NOTE} 404 when it carries none.`
    : "",
});
