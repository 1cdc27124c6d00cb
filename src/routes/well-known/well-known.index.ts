import { routerFor } from "../../lib/create-router";
import * as handlers from "./well-known.handlers";
import * as routes from "./well-known.routes";

export const wellKnownRouter = routerFor(routes, handlers);
