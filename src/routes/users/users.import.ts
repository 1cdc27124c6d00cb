import { sql } from "drizzle-orm";
import { dummyPasswordHash } from "../../auth/passwords";
import { users } from "../../db/schema";
import {
  columnError,
  columnsOf,
  type ImportEntity,
  planVersioned,
  presentFields,
  type VersionedEntitySpec,
  validate,
} from "../../request/import-plan";
import { ImportedUserSchema, UpdateUserSchema } from "./users.schemas";

const WRITABLE = [
  "email",
  "firstName",
  "lastName",
  "documentNumber",
  "phone",
  "role",
  "status",
] as const;

/** Who an account is and what it may do stay a person's decision: PATCH /users/{id}. */
const KEPT = ["role", "status"] as const;

const spec: VersionedEntitySpec<{ passwordHash: string; at: string }> = {
  table: users,
  entityType: "user",
  logged: false,
  uniques: [
    // The unique index is on lower(email): compare the same way.
    {
      field: "email",
      column: sql`lower(${users.email})`,
      key: (v) => String(v).trim().toLowerCase(),
    },
    { field: "documentNumber", column: users.documentNumber, key: (v) => String(v).trim() },
  ],
  matchBy: ["email"],
  select: () => ({
    fields: columnsOf(users, ["id", "version", ...WRITABLE]),
  }),
  // Every new user shares one hash of a random password nobody knows: no password
  // signs in, and a sign-in still costs one PBKDF2 run (no tell that the account is new).
  extra: async (ctx) => ({ passwordHash: await dummyPasswordHash(), at: ctx.at }),
  create: (record, { passwordHash, at }) => {
    const checked = validate(ImportedUserSchema, presentFields(record));
    if (checked.errors) return checked;
    const user = checked.data;
    return {
      columns: {
        ...user,
        documentNumber: user.documentNumber ?? null,
        phone: user.phone ?? null,
        passwordHash,
        passwordChangedAt: at,
        failedLoginCount: 0,
        lockedUntil: null,
        lastLoginAt: null,
      },
      audited: { email: user.email, role: user.role },
    };
  },
  update: (record, stored) => {
    if (Object.keys(record).length === 0) return { columns: {} };
    const checked = validate(UpdateUserSchema, record);
    if (checked.errors) return checked;
    const kept = KEPT.filter(
      (field) => field in checked.data && checked.data[field] !== stored[field],
    );
    if (kept.length > 0) {
      return {
        errors: kept.map((field) =>
          columnError(
            field,
            `an import does not change an existing user's ${field}: use PATCH /users/${stored.id}`,
            `una importación no cambia el ${field} de un usuario existente: use PATCH /users/${stored.id}`,
          ),
        ),
      };
    }
    return { columns: checked.data };
  },
};

/** `POST /imports/users`: by `id`, else by `email`; new users sign in through support's reset. */
export const userImport: ImportEntity = {
  name: "users",
  columns: ["id", ...WRITABLE],
  ignored: ["passwordChangedAt", "lastLoginAt", "version", "createdAt", "updatedAt"],
  numbers: [],
  required: [["id", "email"]],
  plan: (ctx, rows) => planVersioned(spec, ctx, rows),
};
