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
