import { ApiError } from "../lib/problem";

/**
 * Which unique index a D1 error violated, or null. D1 reports either
 * `UNIQUE constraint failed: users.document_number` (column index) or
 * `UNIQUE constraint failed: index 'users_email_lower_unique'` (expression index).
 */
export function uniqueViolation(error: unknown): string | null {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : "";
  const match = /UNIQUE constraint failed: (?:index '([\w.]+)'|([\w.]+))/.exec(message);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

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
    detail: `${field} is already taken`,
    errors: [{ path: `/${field}`, message: "Already taken" }],
  });
}
