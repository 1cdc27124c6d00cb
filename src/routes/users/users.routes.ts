import { ALL_ROLES, protectedRoute } from "../../auth/route";
import { IdempotencyKeyHeaderSchema } from "../../db/idempotency";
import { IfMatchHeaderSchema, IfNoneMatchHeaderSchema } from "../../lib/etag";
import { idParam } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { etagHeader, jsonContent, locationHeader } from "../../lib/openapi";
import { problemResponses } from "../../lib/problem";
import {
  CreateUserSchema,
  SessionListSchema,
  UpdateUserSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserSchema,
} from "./users.schemas";

const tags = ["Users"];
const json = jsonContent;

export const create = protectedRoute(["admin"], {
  method: "post",
  path: "/users",
  tags,
  summary: "Create a user",
  description: "Duplicate email (in any letter case) or document number → 409.",
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: json(CreateUserSchema) },
  },
  responses: {
    [Status.CREATED]: {
      description: "Created",
      headers: { ...locationHeader, ...etagHeader },
      content: json(UserSchema),
    },
    ...problemResponses(Status.BAD_REQUEST, Status.CONFLICT, Status.UNPROCESSABLE_CONTENT),
  },
});

export const list = protectedRoute(["admin", "support"], {
  method: "get",
  path: "/users",
  tags,
  summary: "List users",
  request: { query: UserListQuerySchema },
  responses: {
    [Status.OK]: { description: "A page of users", content: json(UserPageSchema) },
    ...problemResponses(Status.BAD_REQUEST),
  },
});

export const get = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/users/{id}",
  tags,
  summary: "Get a user",
  description: "Admin and support read anyone; every other role only themselves (others → 404).",
  request: { params: idParam("user"), headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: { description: "The user", headers: etagHeader, content: json(UserSchema) },
    [Status.NOT_MODIFIED]: { description: "Unchanged since the If-None-Match ETag" },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const update = protectedRoute(["admin"], {
  method: "patch",
  path: "/users/{id}",
  tags,
  summary: "Update a user",
  description:
    "Disabling a user ends all their sessions in the same write. A role change ends none: " +
    "the user's very next request runs with the new role. " +
    "The last active admin cannot be disabled or demoted (409).",
  request: {
    params: idParam("user"),
    headers: IfMatchHeaderSchema,
    body: { required: true, content: json(UpdateUserSchema) },
  },
  responses: {
    [Status.OK]: { description: "Updated", headers: etagHeader, content: json(UserSchema) },
    ...problemResponses(
      Status.BAD_REQUEST,
      Status.NOT_FOUND,
      Status.CONFLICT,
      Status.PRECONDITION_FAILED,
    ),
  },
});

export const listSessions = protectedRoute(["admin", "support"], {
  method: "get",
  path: "/users/{id}/sessions",
  tags,
  summary: "List a user's active sessions",
  description:
    "Devices signed in: when, last use, IP and user agent. Never token material. " +
    "Only an admin may see an admin's sessions (403).",
  request: { params: idParam("user") },
  responses: {
    [Status.OK]: { description: "Active sessions", content: json(SessionListSchema) },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const revokeSessions = protectedRoute(["admin", "support"], {
  method: "delete",
  path: "/users/{id}/sessions",
  tags,
  summary: "Sign a user out everywhere",
  description:
    "Revokes every session of the user; their access tokens stop working at once. " +
    "Only an admin may sign an admin out (403).",
  request: { params: idParam("user") },
  responses: {
    [Status.NO_CONTENT]: { description: "All sessions revoked" },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const unlock = protectedRoute(["admin", "support"], {
  method: "post",
  path: "/users/{id}/unlock",
  tags,
  summary: "Clear the user's sign-in limits",
  description:
    "Empties every sign-in throttle bucket of the user (docs/security.md), so they can try " +
    "their password again at once. Only an admin may do this for an admin (403).",
  request: { params: idParam("user") },
  responses: {
    [Status.NO_CONTENT]: { description: "Sign-in limits cleared" },
    ...problemResponses(Status.NOT_FOUND),
  },
});
