import { routerFor } from "../../lib/create-router";
import * as handlers from "./audit-events.handlers";
import * as routes from "./audit-events.routes";

export const auditEventsRouter = routerFor(routes, handlers);
