import { resourceRoutes } from "../../auth/resource-routes";
import { ALL_ROLES } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { UserSchema } from "../../resources/users";
import {
  CreateUserSchema,
  UpdateUserSchema,
  UserListQuerySchema,
  UserPageSchema,
} from "./users.schemas";

/** Users are never deleted: an admin disables them (PATCH status). */
const users = resourceRoutes({
  path: "/users",
  tag: "Users",
  noun: "user",
  plural: "users",
  schema: UserSchema,
});

export const create = users.create(["admin"], CreateUserSchema, {
  description: DOCS ? "Duplicate email (in any letter case) or document number → 409." : "",
});
export const list = users.list(["admin", "support"], UserListQuerySchema, UserPageSchema);
export const get = users.get(ALL_ROLES, {
  description: DOCS
    ? "Admin and support read anyone; every other role only themselves (others → 404)."
    : "",
});
export const update = users.update(["admin"], UpdateUserSchema, {
  description: DOCS
    ? "Disabling a user ends all their sessions in the same write. A role change ends none: " +
      "the user's very next request runs with the new role. " +
      "The last active admin cannot be disabled or demoted (409)."
    : "",
});
