import { z } from "@hono/zod-openapi";
import { passwordPolicyViolation } from "../../auth/passwords";
import { DOCS } from "../../lib/docs";
import { email, patchBody, phone, text, timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { message } from "../../lib/validation";
import { UserRoleSchema, UserStatusSchema, withDefault } from "../../resources/enums";
import { newPassword, UserFiltersSchema, UserSchema } from "../../resources/users";

const documentNumber = () =>
  z
    .string()
    .regex(/^[0-9A-Za-z-]{4,20}$/, message("nationalId"))
    .openapi({ description: DOCS ? "National id (cédula)." : "", example: "1032456789" });

/** Who a user is, as a create sets it. */
const profile = {
  email: email(),
  firstName: text(100),
  lastName: text(100),
  documentNumber: documentNumber().optional(),
  phone: phone().optional(),
  role: UserRoleSchema,
};

export const CreateUserSchema = z
  .strictObject({ ...profile, password: newPassword() })
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

/**
 * A user as a bulk import creates one: no password (support issues a temporary one, as
 * for anyone who cannot sign in), and a status of its own.
 */
export const ImportedUserSchema = z.strictObject({
  ...profile,
  status: withDefault(UserStatusSchema, "active"),
});

export const UpdateUserSchema = patchBody({
  email: email(),
  firstName: text(100),
  lastName: text(100),
  documentNumber: documentNumber().nullable(),
  phone: phone().nullable(),
  role: UserRoleSchema,
  status: UserStatusSchema,
}).openapi("UpdateUser", { minProperties: 1 });

export const UserListQuerySchema = listQuerySchema(["createdAt", "lastName"], "createdAt").extend(
  UserFiltersSchema.shape,
);

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

const bogotaNote = "Times in `text` are Colombia's (UTC−5).";

export const SignInStatusSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: UserRoleSchema,
    status: UserStatusSchema,
    lockedUntil: timestamp()
      .nullable()
      .openapi({
        description: DOCS
          ? "When the last locked sign-in bucket opens again; null when none is locked."
          : "",
      }),
    failedAttemptsInWindow: z
      .number()
      .int()
      .openapi({
        description: DOCS
          ? "Password attempts counted in the current 15-minute windows, all buckets together."
          : "",
      }),
    throttles: z
      .array(
        z.object({
          bucket: z.string().openapi({
            description: DOCS
              ? "A network the account signed in from (IPv4 or IPv6 /64), or `*` for all others."
              : "",
          }),
          attempts: z.number().int(),
          windowStartedAt: timestamp(),
          windowEndsAt: timestamp(),
          lockedUntil: timestamp().nullable(),
        }),
      )
      .openapi({
        description: DOCS
          ? 'Sign-in limits in force (docs/security.md, "Sign-in throttling").'
          : "",
      }),
    lastSignIn: z
      .object({
        occurredAt: timestamp(),
        ip: z.string().nullable(),
        userAgent: z.string().nullable(),
      })
      .nullable(),
    recentFailures: z
      .array(
        z.object({
          occurredAt: timestamp(),
          reason: z.string().openapi({
            description: DOCS
              ? "`wrong_password`, `disabled`, `unknown_email` (an attempt with this email before the account existed), `temporary_password_used`, `temporary_password_expired`, `locked_out`."
              : "",
          }),
          ip: z.string().nullable(),
          userAgent: z.string().nullable(),
          requestId: z.string().nullable(),
        }),
      )
      .openapi({ description: DOCS ? "The last 10, newest first." : "" }),
    passwordReset: z
      .object({
        issuedAt: timestamp(),
        expiresAt: timestamp(),
        issuedBy: z.string().nullable(),
        usedAt: timestamp().nullable(),
      })
      .nullable()
      .openapi({
        description: DOCS ? "A temporary password not yet replaced by a new password." : "",
      }),
    sessions: z.array(SessionSchema),
    findings: z.array(z.object({ code: z.string(), text: z.string() })).openapi({
      description: DOCS
        ? `What stands between the user and a sign-in, most decisive first: \`disabled\`, \`password_change_pending\`, \`temporary_password_pending\`, \`temporary_password_expired\`, \`locked\`, \`wrong_passwords\`, \`unknown_email_attempts\`, else \`never_signed_in\` or \`ok\`. ${bogotaNote}`
        : "",
    }),
    diagnosis: z.string().openapi({
      description: DOCS
        ? `The findings as one paragraph support can read out, in the language of Content-Language. ${bogotaNote}`
        : "",
    }),
  })
  .openapi("SignInStatus");

export const TemporaryPasswordSchema = z
  .object({
    temporaryPassword: z.string().openapi({
      description: DOCS
        ? "Shown this once: give it to the user. Case and dashes do not matter when typed."
        : "",
    }),
    expiresAt: timestamp(),
  })
  .openapi("TemporaryPassword");
