import { createRouter } from "../../lib/create-router";
import * as handlers from "./establishments.handlers";
import * as routes from "./establishments.routes";

export const establishmentsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.listSellers, handlers.listSellers)
  .openapi(routes.assignSeller, handlers.assignSeller)
  .openapi(routes.unassignSeller, handlers.unassignSeller)
  .openapi(routes.carriedPortfolio, handlers.carriedPortfolio);
