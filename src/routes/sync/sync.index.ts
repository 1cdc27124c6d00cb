import { routerFor } from "../../lib/create-router";
import * as handlers from "./sync.handlers";
import * as routes from "./sync.routes";

export const syncRouter = routerFor(routes, handlers);
