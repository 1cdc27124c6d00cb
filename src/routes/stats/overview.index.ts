import { routerFor } from "../../lib/create-router";
import * as handlers from "./overview.handlers";
import * as routes from "./overview.routes";

export const statsOverviewRouter = routerFor(routes, handlers);
