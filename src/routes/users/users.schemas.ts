import { z } from "@hono/zod-openapi";
import { passwordPolicyViolation } from "../../auth/passwords";
import { email, patchBody, phone, searchText, text, timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { message } from "../../lib/validation";
import { UserRoleSchema, UserStatusSchema } from "../../resources/enums";
import * as examples from "../../resources/examples";
import { newPassword, UserSchema } from "../../resources/users";

const documentNumber = () =>
  z
    .string()
    .regex(/^[0-9A-Za-z-]{4,20}$/, message("nationalId"))
    .openapi({ description: "National id (cédula).", example: "1032456789" });

export const CreateUserSchema = z
  .strictObject({
    email: email(),
    password: newPassword(),
    firstName: text(100),
    lastName: text(100),
    documentNumber: documentNumber().optional(),
    phone: phone().optional(),
    role: UserRoleSchema,
  })
  .superRefine((body, ctx) => {
    const problem = passwordPolicyViolation(body.password, body.email);
    if (problem) {
      ctx.addIssue({
        code: "custom",
        path: ["password"],
        message: message("passwordPolicy"),
        params: problem,
      });
    }
  })
  .openapi("CreateUser", { example: examples.createUser });

export const UpdateUserSchema = patchBody({
  email: email(),
  firstName: text(100),
  lastName: text(100),
  documentNumber: documentNumber().nullable(),
  phone: phone().nullable(),
  role: UserRoleSchema,
  status: UserStatusSchema,
}).openapi("UpdateUser", { example: examples.updateUser, minProperties: 1 });

export const UserListQuerySchema = listQuerySchema(["createdAt", "lastName"], "createdAt").extend({
  role: UserRoleSchema.optional(),
  status: UserStatusSchema.optional(),
  q: searchText("name or email"),
});

export const UserPageSchema = pageSchema(UserSchema).openapi("UserPage", {
  example: examples.userPage,
});

export const SessionSchema = z
  .object({
    sessionId: z.string(),
    createdAt: timestamp(),
    lastUsedAt: timestamp(),
    expiresAt: timestamp(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi("Session", { example: examples.session });

export const SessionListSchema = z
  .object({ data: z.array(SessionSchema) })
  .openapi("SessionList", { example: examples.sessionList });
