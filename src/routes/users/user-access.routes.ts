import { protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { idParam } from "../../lib/fields";
import * as Status from "../../lib/http-status";
import { jsonContent } from "../../lib/openapi";
import { commandOperation } from "../../lib/operations";
import { problemResponses } from "../../lib/problem";
import { SessionListSchema, SignInStatusSchema, TemporaryPasswordSchema } from "./users.schemas";

/** What lets a user in — their sessions and their sign-in limits — for support to act on. */
const tags = ["Users"];
const params = idParam("user");
const STAFF = ["admin", "support"] as const;

export const listSessions = protectedRoute(STAFF, {
  method: "get",
  path: "/users/{id}/sessions",
  operationId: "listUserSessions",
  tags,
  summary: DOCS ? "List a user's active sessions" : "",
  description: DOCS
    ? "Devices signed in: when, last use, IP and user agent. Never token material. " +
      "Only an admin may see an admin's sessions (403)."
    : "",
  request: { params },
  responses: {
    [Status.OK]: {
      description: DOCS ? "Active sessions" : "",
      content: jsonContent(SessionListSchema),
    },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const revokeSessions = protectedRoute(STAFF, {
  ...commandOperation("delete", params, "All sessions revoked"),
  path: "/users/{id}/sessions",
  operationId: "revokeUserSessions",
  tags,
  summary: DOCS ? "Sign a user out everywhere" : "",
  description: DOCS
    ? "Revokes every session of the user; their access tokens stop working at once. " +
      "Only an admin may sign an admin out (403)."
    : "",
});

export const unlock = protectedRoute(STAFF, {
  ...commandOperation("post", params, "Sign-in limits cleared"),
  path: "/users/{id}/unlock",
  operationId: "unlockUser",
  tags,
  summary: DOCS ? "Clear the user's sign-in limits" : "",
  description: DOCS
    ? "Empties every sign-in throttle bucket of the user (docs/security.md), so they can try " +
      "their password again at once. Only an admin may do this for an admin (403)."
    : "",
});

export const signInStatus = protectedRoute(STAFF, {
  method: "get",
  path: "/users/{id}/sign-in-status",
  operationId: "getUserSignInStatus",
  tags,
  summary: DOCS ? "Why can't this user sign in?" : "",
  description: DOCS
    ? "One call, one D1 round trip: the account's status, its sign-in limits in force and " +
      "until when, its failed attempts in the current window, its last sign-in (when, IP, " +
      "device), its last 10 failures with their reasons (attempts with its email from before " +
      "the account existed included), a pending temporary password, its live sessions, and " +
      "a `diagnosis` in plain words (Accept-Language: es for Spanish). The per-network limit " +
      "of 60 sign-ins a minute is not per account and is not shown. Only an admin may see " +
      "an admin's (403)."
    : "",
  request: { params },
  responses: {
    [Status.OK]: {
      description: DOCS ? "The sign-in status" : "",
      content: jsonContent(SignInStatusSchema),
    },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const issuePasswordReset = protectedRoute(STAFF, {
  method: "post",
  path: "/users/{id}/password-reset",
  operationId: "issueUserPasswordReset",
  tags,
  summary: DOCS ? "Issue a temporary password" : "",
  description: DOCS
    ? "For a user who cannot sign in: a one-time temporary password, shown only in this " +
      "answer and valid for 1 hour. Every session of the user ends now. Signing in with it " +
      "starts no session: the answer is a 403 `password-change-required` with a token good " +
      "only for `POST /auth/password`, where the user sets a new password. Issuing again " +
      "replaces the earlier one; signing in with the real password discards it. Each step " +
      "is in the audit trail. A disabled account → 409 (enable it first). Only an admin may " +
      "do this for an admin (403)."
    : "",
  request: { params },
  responses: {
    [Status.OK]: {
      description: DOCS ? "The temporary password (never stored in clear, never shown again)" : "",
      content: jsonContent(TemporaryPasswordSchema),
    },
    ...problemResponses(Status.NOT_FOUND, Status.CONFLICT),
  },
});
