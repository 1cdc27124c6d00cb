import { protectedRoute } from "../../auth/route";
import { idParam } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { jsonContent } from "../../lib/openapi";
import { commandOperation } from "../../lib/operations";
import { problemResponses } from "../../lib/problem";
import { SessionListSchema } from "./users.schemas";

/** What lets a user in — their sessions and their sign-in limits — for support to act on. */
const tags = ["Users"];
const params = idParam("user");
const STAFF = ["admin", "support"] as const;

export const listSessions = protectedRoute(STAFF, {
  method: "get",
  path: "/users/{id}/sessions",
  operationId: "listUserSessions",
  tags,
  summary: "List a user's active sessions",
  description:
    "Devices signed in: when, last use, IP and user agent. Never token material. " +
    "Only an admin may see an admin's sessions (403).",
  request: { params },
  responses: {
    [Status.OK]: { description: "Active sessions", content: jsonContent(SessionListSchema) },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const revokeSessions = protectedRoute(STAFF, {
  ...commandOperation("delete", params, "All sessions revoked"),
  path: "/users/{id}/sessions",
  operationId: "revokeUserSessions",
  tags,
  summary: "Sign a user out everywhere",
  description:
    "Revokes every session of the user; their access tokens stop working at once. " +
    "Only an admin may sign an admin out (403).",
});

export const unlock = protectedRoute(STAFF, {
  ...commandOperation("post", params, "Sign-in limits cleared"),
  path: "/users/{id}/unlock",
  operationId: "unlockUser",
  tags,
  summary: "Clear the user's sign-in limits",
  description:
    "Empties every sign-in throttle bucket of the user (docs/security.md), so they can try " +
    "their password again at once. Only an admin may do this for an admin (403).",
});
