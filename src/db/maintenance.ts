import { lt } from "drizzle-orm";
import { createDatabase } from "./client";
import { idempotencyKeys } from "./schema";

/**
 * Daily housekeeping (the Worker's cron trigger): Idempotency-Key records are only
 * useful for 7 days; afterwards they are deleted so the table does not grow forever.
 */
export async function purgeExpiredIdempotencyKeys(
  db: D1Database,
  now = new Date(),
): Promise<number> {
  const result = await createDatabase(db)
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, now.toISOString()));
  return result.meta.changes;
}
