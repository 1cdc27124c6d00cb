import { z } from "@hono/zod-openapi";
import { passwordPolicyViolation } from "../../auth/passwords";
import { userRoles, userStatuses } from "../../db/schema";
import { email, patchBody, phone, searchText, text, timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { message } from "../../lib/validation";
import { UserSchema } from "../../resources/users";

const documentNumber = () =>
  z
    .string()
    .regex(/^[0-9A-Za-z-]{4,20}$/, message("nationalId"))
    .openapi({ description: "National id (cédula).", example: "1032456789" });

export const CreateUserSchema = z
  .strictObject({
    email: email(),
    password: z.string().openapi({
      description: "12–256 characters, any Unicode; not a common password, not the email.",
    }),
    firstName: text(100),
    lastName: text(100),
    documentNumber: documentNumber().optional(),
    phone: phone().optional(),
    role: z.enum(userRoles),
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
  .openapi("CreateUser");

export const UpdateUserSchema = patchBody({
  email: email(),
  firstName: text(100),
  lastName: text(100),
  documentNumber: documentNumber().nullable(),
  phone: phone().nullable(),
  role: z.enum(userRoles),
  status: z.enum(userStatuses),
}).openapi("UpdateUser");

export const UserListQuerySchema = listQuerySchema(["createdAt", "lastName"], "createdAt").extend({
  role: z.enum(userRoles).optional(),
  status: z.enum(userStatuses).optional(),
  q: searchText("name or email"),
});

export const UserPageSchema = pageSchema(UserSchema).openapi("UserPage");

export const SessionSchema = z
  .object({
    sessionId: z.string(),
    createdAt: timestamp(),
    lastUsedAt: timestamp(),
    expiresAt: timestamp(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi("Session");

export const SessionListSchema = z.object({ data: z.array(SessionSchema) }).openapi("SessionList");
