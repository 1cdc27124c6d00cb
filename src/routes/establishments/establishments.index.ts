import { routerFor } from "../../lib/create-router";
import * as sellerHandlers from "./establishment-sellers.handlers";
import * as sellerRoutes from "./establishment-sellers.routes";
import * as handlers from "./establishments.handlers";
import * as routes from "./establishments.routes";

export const establishmentsRouter = routerFor(
  { ...routes, ...sellerRoutes },
  { ...handlers, ...sellerHandlers },
);
