import { z } from "@hono/zod-openapi";
import { eq, getTableColumns } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { timestamp, timestamps } from "../lib/fields";
import { createSelectSchema } from "../lib/table-schema";

/**
 * A user as the API shows them — to admins (/users), and to the user themselves (sign-in,
 * /auth/me): every column but the password hash and the retired lock columns.
 */
const {
  passwordHash: _hash,
  failedLoginCount: _retiredCount,
  lockedUntil: _retiredLock,
  ...publicColumns
} = getTableColumns(users);
export const userColumns = publicColumns;

export const UserSchema = createSelectSchema(users, {
  email: z.string().openapi({ example: "ana.gomez@example.co" }),
  passwordChangedAt: timestamp(),
  lastLoginAt: timestamp().nullable(),
  ...timestamps(),
})
  .omit({ passwordHash: true, failedLoginCount: true, lockedUntil: true })
  .openapi("User");
export type User = z.infer<typeof UserSchema>;

export async function findUser(db: Database, id: string): Promise<User | undefined> {
  const [user] = await db.select(userColumns).from(users).where(eq(users.id, id));
  return user;
}
