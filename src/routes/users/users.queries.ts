import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { Target } from "../../request/versioned-write";

/** A user, as the target of a write (users are never deleted: they are disabled). */
export const userTarget = (id: string): Target<typeof users> => ({
  table: users,
  entityType: "user",
  entityId: id,
  where: eq(users.id, id),
  uniqueFields: {
    users_email_lower_unique: "email",
    "users.document_number": "documentNumber",
  },
});
