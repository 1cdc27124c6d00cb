import { routerFor } from "../../lib/create-router";
import * as itemHandlers from "./portfolio-items.handlers";
import * as itemRoutes from "./portfolio-items.routes";
import * as handlers from "./portfolios.handlers";
import * as routes from "./portfolios.routes";

export const portfoliosRouter = routerFor(
  { ...routes, ...itemRoutes },
  { ...handlers, ...itemHandlers },
);
