import { uniqueViolation } from "../db/errors";
import { ApiError } from "../lib/problem";

/**
 * Turns a unique-index violation into a 409 naming the field (`fields` maps the index or
 * `table.column` to the request field); rethrows anything else. Relying on the index,
 * not a prior read, keeps concurrent creates correct: one wins, the rest get 409.
 */
export function conflictOnUnique(error: unknown, fields: Record<string, string>): never {
  const violated = uniqueViolation(error);
  const field = violated === null ? undefined : fields[violated];
  if (field === undefined) throw error;
  throw new ApiError("conflict", {
    detail: { en: `${field} is already taken`, es: `${field} ya está en uso` },
    errors: [
      {
        path: `/${field}`,
        message: { en: `${field} is already taken`, es: `${field} ya está en uso` },
      },
    ],
  });
}
