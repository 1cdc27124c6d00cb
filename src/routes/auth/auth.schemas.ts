import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { email } from "../../lib/fields";
import { newPassword, UserSchema } from "../../resources/users";

export const LoginSchema = z
  .strictObject({
    email: email(),
    // No policy here: the policy applies when a password is set, not when it is used.
    password: z.string().min(1).max(1024),
  })
  .openapi("Login");

const refreshToken = () =>
  z
    .string()
    .min(1)
    .max(512)
    .openapi({ description: DOCS ? "The opaque refresh token from login or refresh." : "" });

export const RefreshSchema = z.strictObject({ refreshToken: refreshToken() }).openapi("Refresh");
export const LogoutSchema = z.strictObject({ refreshToken: refreshToken() }).openapi("Logout");

export const TokenPairSchema = z
  .object({
    accessToken: z
      .string()
      .openapi({ description: DOCS ? "ES256 JWT (`typ: at+jwt`), 15 minutes." : "" }),
    tokenType: z.literal("Bearer"),
    expiresIn: z
      .number()
      .int()
      .min(1)
      .openapi({
        description: DOCS ? "Seconds until the access token expires." : "",
        example: 900,
      }),
    refreshToken: z.string().openapi({
      description: DOCS
        ? "Opaque, single use: every refresh returns a new one and retires the old."
        : "",
    }),
    refreshExpiresIn: z
      .number()
      .int()
      .min(1)
      .openapi({
        description: DOCS
          ? "Seconds until the refresh token lapses if unused (7-day idle limit, 30-day session)."
          : "",
        example: 604_800,
      }),
    user: UserSchema,
  })
  .openapi("TokenPair");

export const ChangePasswordSchema = z
  .strictObject({
    currentPassword: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .openapi({
        description: DOCS
          ? "Required with an access token; not sent with a password-change token."
          : "",
      }),
    newPassword: newPassword(),
  })
  .openapi("ChangePassword");
