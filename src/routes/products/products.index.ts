import { routerFor } from "../../lib/create-router";
import * as handlers from "./products.handlers";
import * as routes from "./products.routes";

export const productsRouter = routerFor(routes, handlers);
