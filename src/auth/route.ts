import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { type UserRole, userRoles } from "../db/schema";
import { WRAP_HANDLER, type WrapsHandler } from "../lib/create-router";
import * as Status from "../lib/http-status";
import { BEARER_AUTH } from "../lib/openapi";
import { problemResponses } from "../lib/problem";
import { appContract, type Touches } from "../lib/route-contract";
import { authenticate, withAccess } from "./middleware";

export const ALL_ROLES = userRoles;

/**
 * A route anyone may call. `security: []` says so in the document, so a reader knows it is
 * public by design and a generated client sends no token. Whether it touches D1 or KV
 * decides whether an outage of theirs can answer it (503).
 */
export function publicRoute<const R extends Omit<RouteConfig, "security" | "middleware">>(
  config: R,
  touches: Touches,
) {
  return createRoute({ ...config, security: [], ...appContract(config, touches) });
}

/**
 * An authenticated route: bearer security in the document, the roles that may call it
 * in its description and in `x-roles`, 401/403 responses, and the middleware that
 * enforces all of it — one definition, so the document and the behaviour cannot differ.
 * Authentication reads the session on D1, so every such route can meet an outage (503).
 */
export function protectedRoute<const R extends Omit<RouteConfig, "security" | "middleware">>(
  roles: readonly UserRole[],
  config: R,
) {
  const who = roles.length === userRoles.length ? "any authenticated user" : roles.join(", ");
  const responses = {
    ...config.responses,
    ...problemResponses(Status.UNAUTHORIZED, Status.FORBIDDEN),
  };
  return createRoute({
    ...config,
    description: [config.description, `**Roles:** ${who}.`].filter(Boolean).join("\n\n"),
    security: [{ [BEARER_AUTH]: [] }],
    "x-roles": [...roles],
    middleware: [authenticate(roles)] as const,
    [WRAP_HANDLER]: ((handler) =>
      withAccess(roles, handler)) satisfies WrapsHandler[typeof WRAP_HANDLER],
    ...appContract({ ...config, responses }, { storage: true }),
  });
}
