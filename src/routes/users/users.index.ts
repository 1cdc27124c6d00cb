import { routerFor } from "../../lib/create-router";
import * as accessHandlers from "./user-access.handlers";
import * as accessRoutes from "./user-access.routes";
import * as handlers from "./users.handlers";
import * as routes from "./users.routes";

export const usersRouter = routerFor(
  { ...routes, ...accessRoutes },
  { ...handlers, ...accessHandlers },
);
