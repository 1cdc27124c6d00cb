import { authenticateOrPasswordChange } from "../../auth/middleware";
import { ALL_ROLES, protectedRoute, publicRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { IfNoneMatchHeaderSchema } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { etagHeader, jsonBody, jsonContent } from "../../lib/openapi";
import { problemResponseRef, problemResponses } from "../../lib/problem";
import { UserSchema } from "../../resources/users";
import {
  ChangePasswordSchema,
  LoginSchema,
  LogoutSchema,
  RefreshSchema,
  TokenPairSchema,
} from "./auth.schemas";

const tags = ["Auth"];

export const login = publicRoute(
  {
    method: "post",
    path: "/auth/login",
    operationId: "login",
    tags,
    summary: DOCS ? "Sign in with email and password" : "",
    description: DOCS
      ? "Public. Unknown email, wrong password and disabled account all get the same 401. " +
        "60 attempts a minute per client network (an IPv4 address or an IPv6 /64). Per " +
        "account, 10 attempts per 15 minutes from each network the account has signed in " +
        "from, and 10 shared by all other networks, so a stranger's guesses never use up the " +
        "owner's. Limits answer 429 with Retry-After. A temporary password issued by support " +
        "(POST /users/{id}/password-reset) answers 403 `password-change-required` with a " +
        "`passwordChangeToken` for POST /auth/password, and no session."
      : "",
    request: { body: jsonBody(LoginSchema) },
    responses: {
      [Status.OK]: { description: DOCS ? "Signed in" : "", content: jsonContent(TokenPairSchema) },
      ...problemResponses(Status.UNAUTHORIZED, Status.TOO_MANY_REQUESTS),
      // A temporary password from support starts no session: it must be replaced first.
      [Status.FORBIDDEN]: problemResponseRef("password-change-required"),
    },
  },
  { storage: true },
);

export const refresh = publicRoute(
  {
    method: "post",
    path: "/auth/refresh",
    operationId: "refreshTokens",
    tags,
    summary: DOCS ? "Exchange a refresh token for a new token pair" : "",
    description: DOCS
      ? "Public (the refresh token is the proof). Rotates: the token sent is retired. Sending " +
        "a retired token again revokes the whole session (stolen-token detection)."
      : "",
    request: { body: jsonBody(RefreshSchema) },
    responses: {
      [Status.OK]: {
        description: DOCS ? "A new token pair" : "",
        content: jsonContent(TokenPairSchema),
      },
      ...problemResponses(Status.UNAUTHORIZED),
    },
  },
  { storage: true },
);

export const logout = publicRoute(
  {
    method: "post",
    path: "/auth/logout",
    operationId: "logout",
    tags,
    summary: DOCS ? "Sign out this session" : "",
    description: DOCS
      ? "Public (the refresh token is the proof). Revokes the session; its access tokens stop " +
        "working at once. Answers 204 whatever the token, so it reveals nothing."
      : "",
    request: { body: jsonBody(LogoutSchema) },
    responses: {
      [Status.NO_CONTENT]: { description: DOCS ? "Signed out" : "" },
    },
  },
  { storage: true },
);

export const logoutAll = protectedRoute(ALL_ROLES, {
  method: "post",
  path: "/auth/logout-all",
  operationId: "logoutEverywhere",
  tags,
  summary: DOCS ? "Sign out of every session" : "",
  responses: {
    [Status.NO_CONTENT]: { description: DOCS ? "Every session of the caller revoked" : "" },
  },
});

export const me = protectedRoute(ALL_ROLES, {
  method: "get",
  path: "/auth/me",
  operationId: "getCurrentUser",
  tags,
  summary: DOCS ? "The signed-in user" : "",
  request: { headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: DOCS ? "The caller" : "",
      headers: etagHeader,
      content: jsonContent(UserSchema),
    },
    // Read on the request's session: a replica that has not yet seen the account.
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const changePassword = {
  ...protectedRoute(ALL_ROLES, {
    method: "post",
    path: "/auth/password",
    operationId: "changePassword",
    tags,
    summary: DOCS ? "Change your password" : "",
    description: DOCS
      ? "With an access token: send `currentPassword`; this session stays and every other " +
        "one is revoked. Wrong current passwords count against the same sign-in limits as " +
        "POST /auth/login (429 with Retry-After).\n\n" +
        "With the `passwordChangeToken` of a `password-change-required` problem (a sign-in " +
        "with a temporary password from support): send only `newPassword`. Every session of " +
        "the user ends and the temporary password is spent; sign in with the new password. " +
        "The token works once, for 10 minutes, and on no other route."
      : "",
    request: { body: jsonBody(ChangePasswordSchema) },
    responses: {
      [Status.NO_CONTENT]: { description: DOCS ? "Password changed" : "" },
      ...problemResponses(Status.TOO_MANY_REQUESTS),
    },
  }),
  middleware: [authenticateOrPasswordChange(ALL_ROLES)],
};
