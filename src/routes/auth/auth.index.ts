import { createRouter } from "../../lib/create-router";
import * as handlers from "./auth.handlers";
import * as routes from "./auth.routes";

export const authRouter = createRouter()
  .openapi(routes.login, handlers.login)
  .openapi(routes.refresh, handlers.refresh)
  .openapi(routes.logout, handlers.logout)
  .openapi(routes.logoutAll, handlers.logoutAll)
  .openapi(routes.me, handlers.me)
  .openapi(routes.changePassword, handlers.changePassword);
