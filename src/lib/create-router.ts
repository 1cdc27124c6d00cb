import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import type { AppRouteHandler } from "./types";
import { fieldErrors, invalidFields } from "./validation";

/**
 * Every router of the API: failed request validation becomes a 400 problem whose
 * `errors[]` point at each offending field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: true,
    defaultHook: (result) => {
      if (result.success) return;
      throw invalidFields(fieldErrors(result.target, result.error));
    },
  });
}

type AnyHandler = (c: Context<AppEnv>) => Promise<Response> | Response;

/**
 * A route may wrap its handler: a protected route's handler runs again when its caller's
 * role changed since their token was issued (src/auth/route.ts).
 */
export const WRAP_HANDLER = Symbol("wrapHandler");
export interface WrapsHandler {
  [WRAP_HANDLER]?: (handler: AnyHandler) => AnyHandler;
}

/** One handler for each route, under the route's own name, typed by it. */
type HandlersFor<Routes extends Record<string, RouteConfig>> = {
  [Name in keyof Routes]: AppRouteHandler<Routes[Name]>;
};

/**
 * A router serving each route (a `*.routes.ts` module) with the handler of the same name
 * (from `*.handlers.ts`): a route without its handler does not compile.
 */
export function routerFor<Routes extends Record<string, RouteConfig>>(
  routes: Routes,
  handlers: HandlersFor<Routes>,
) {
  const router = createRouter();
  for (const name of Object.keys(routes) as (keyof Routes)[]) {
    const route: Routes[keyof Routes] & WrapsHandler = routes[name];
    const handler = handlers[name] as unknown as AnyHandler;
    router.openapi(route, (route[WRAP_HANDLER]?.(handler) ?? handler) as never);
  }
  return router;
}
