import { createRouter } from "../../lib/create-router";
import * as handlers from "./users.handlers";
import * as routes from "./users.routes";

export const usersRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.listSessions, handlers.listSessions)
  .openapi(routes.revokeSessions, handlers.revokeSessions)
  .openapi(routes.unlock, handlers.unlock);
