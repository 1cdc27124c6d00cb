import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";

/** A handler typed by its route: params, query, body and responses all checked. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** The context a route's handler gets, for a function the handler hands it to. */
export type AppRouteContext<R extends RouteConfig> = Parameters<AppRouteHandler<R>>[0];
