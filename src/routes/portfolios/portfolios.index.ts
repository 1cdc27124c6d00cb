import { createRouter } from "../../lib/create-router";
import * as handlers from "./portfolios.handlers";
import * as routes from "./portfolios.routes";

export const portfoliosRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.listItems, handlers.listItems)
  .openapi(routes.putItem, handlers.putItem)
  .openapi(routes.removeItem, handlers.removeItem);
