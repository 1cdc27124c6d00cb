import { routerFor } from "../../lib/create-router";
import { exportHandlers } from "./export.handlers";
import { exportRoutes } from "./export.routes";

export const exportRouter = routerFor(exportRoutes, exportHandlers);
