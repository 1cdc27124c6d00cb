import { z } from "@hono/zod-openapi";
import { and, eq, getTableColumns, or, sql } from "drizzle-orm";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/passwords";
import type { Database } from "../db/client";
import { keyset } from "../db/keyset";
import { users } from "../db/schema";
import { contains } from "../db/search";
import { DOCS } from "../lib/docs";
import { resourceVersion } from "../lib/etag";
import { searchText, timestamp, timestamps } from "../lib/fields";
import { createSelectSchema } from "../lib/table-schema";
import { UserRoleSchema, UserStatusSchema } from "./enums";

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
  role: UserRoleSchema,
  status: UserStatusSchema,
  lastLoginAt: timestamp().nullable(),
  version: resourceVersion(),
  ...timestamps(),
})
  .omit({ passwordHash: true, failedLoginCount: true, lockedUntil: true })
  .openapi("User");
export type User = z.infer<typeof UserSchema>;

/**
 * A password being set. The policy (src/auth/passwords.ts) runs on the whole body; its
 * limits are stated here too, counted as JSON Schema counts: in Unicode code points.
 */
export const newPassword = () =>
  z.string().openapi({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: DOCS
      ? `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters (Unicode code points, after ` +
        "NFC normalisation), any script; not a common password, not the email."
      : "",
  });

/** A user by id, as a query (to run alone, or in a batch). */
export const userById = (db: Database, id: string) =>
  db.select(userColumns).from(users).where(eq(users.id, id));

export async function findUser(db: Database, id: string): Promise<User | undefined> {
  const [user] = await userById(db, id);
  return user;
}

/** The filters of the user list; its CSV export takes the same. */
export const UserFiltersSchema = z.object({
  role: UserRoleSchema.optional(),
  status: UserStatusSchema.optional(),
  q: searchText("name or email"),
});

const sortColumns = { createdAt: users.createdAt, lastName: users.lastName };
type UserSort = keyof typeof sortColumns;

/**
 * A keyset page of the users that pass the filters: the query of the user list, which
 * the export reads too, so the two cannot filter differently.
 */
export async function userPage(
  db: Database,
  query: z.infer<typeof UserFiltersSchema> & {
    sort: UserSort | `-${UserSort}`;
    cursor?: string;
    limit: number;
  },
) {
  const { limit, role, status, q } = query;
  const page = keyset(query, users.id, sortColumns);
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(
      and(
        role && eq(users.role, role),
        status && eq(users.status, status),
        q === undefined
          ? undefined
          : or(
              contains(users.email, q),
              contains(sql`${users.firstName} || ' ' || ${users.lastName}`, q),
            ),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return page.toPage(rows, limit);
}
