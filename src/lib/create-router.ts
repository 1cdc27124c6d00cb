import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { ApiError } from "./problem";
import { describeFieldErrors, fieldErrors } from "./validation";

/**
 * Every router of the API: failed request validation becomes a 400 problem whose
 * `errors[]` point at each offending field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: true,
    defaultHook: (result) => {
      if (result.success) return;
      const errors = fieldErrors(result.target, result.error);
      throw new ApiError("validation-error", { detail: describeFieldErrors(errors), errors });
    },
  });
}
