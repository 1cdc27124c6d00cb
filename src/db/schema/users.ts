import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { idColumn, sqlList, timestamp, versioned } from "./columns";

export const userRoles = ["admin", "seller", "support", "analyst"] as const;
export type UserRole = (typeof userRoles)[number];

export const userStatuses = ["active", "disabled"] as const;

export const users = sqliteTable(
  "users",
  {
    id: idColumn(),
    email: text("email").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    /** National id (cédula). Optional; SQLite unique indexes allow many NULLs. */
    documentNumber: text("document_number"),
    phone: text("phone"),
    role: text("role", { enum: userRoles }).notNull(),
    status: text("status", { enum: userStatuses }).notNull().default("active"),
    passwordHash: text("password_hash").notNull(),
    passwordChangedAt: timestamp("password_changed_at").notNull(),
    /**
     * Retired by migration 0001 (the account lock became per-network sign-in throttles,
     * table sign_in_throttles): never read or written, not in the API. Kept because SQLite
     * cannot drop a column named in a table CHECK without rebuilding `users`, and
     * rebuilding a table that six others reference would cascade deletes.
     */
    failedLoginCount: integer("failed_login_count").notNull().default(0),
    lockedUntil: timestamp("locked_until"),
    lastLoginAt: timestamp("last_login_at"),
    ...versioned(),
  },
  (t) => [
    // Case-insensitive uniqueness: lookups use lower(email) so they hit this index.
    uniqueIndex("users_email_lower_unique").on(sql`lower(${t.email})`),
    uniqueIndex("users_document_number_unique").on(t.documentNumber),
    index("users_role_idx").on(t.role),
    index("users_status_idx").on(t.status),
    index("users_created_at_id_idx").on(t.createdAt, t.id),
    index("users_last_name_id_idx").on(t.lastName, t.id),
    check("users_role_check", sql`${t.role} in (${sqlList(userRoles)})`),
    check("users_status_check", sql`${t.status} in (${sqlList(userStatuses)})`),
    check("users_failed_login_count_check", sql`${t.failedLoginCount} >= 0`),
    check("users_version_check", sql`${t.version} >= 1`),
  ],
);

/** The user a row belongs to (by default `user_id`): the row goes when the user does. */
export const userOwned = (name = "user_id") =>
  text(name)
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });
