// npm run user:create -- --email a@b.co --password '…' --role admin [--first-name A]
//   [--last-name B] [--remote]
// Creates a user in the local D1 (or the remote one with --remote), validated by the same
// schema and hashed in the same format as POST /api/v1/users. Exits non-zero on any error.
import { parseArgs } from "node:util";
import { hashPassword } from "../src/auth/passwords";
import { uuidv7 } from "../src/lib/ids";
import { CreateUserSchema } from "../src/routes/users/users.schemas";
import { executeSql, insertSql, migrateLocal } from "./d1";

function fail(message: string): never {
  console.error(`user:create: ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    password: { type: "string" },
    role: { type: "string" },
    "first-name": { type: "string" },
    "last-name": { type: "string" },
    remote: { type: "boolean", default: false },
  },
  strict: true,
});

const localPart = values.email?.split("@")[0] ?? "";
const parsed = CreateUserSchema.safeParse({
  email: values.email,
  password: values.password,
  role: values.role,
  firstName: values["first-name"] ?? (localPart || "Usuario"),
  lastName: values["last-name"] ?? "Usuario",
});
if (!parsed.success) {
  const problems = parsed.error.issues.map(
    (i) =>
      `  --${String(i.path[0] ?? "").replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}: ${i.message}`,
  );
  fail(`invalid input:\n${problems.join("\n")}`);
}

const user = parsed.data;
const now = new Date().toISOString();
const id = uuidv7();
const target = { remote: values.remote };
if (!target.remote) migrateLocal();

const result = executeSql(
  insertSql("users", {
    id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    role: user.role,
    password_hash: await hashPassword(user.password),
    password_changed_at: now,
    created_at: now,
    updated_at: now,
  }),
  target,
);
if (!result.ok) {
  if (/UNIQUE constraint failed/.test(result.error))
    fail(`a user with email ${user.email} already exists`);
  fail(`wrangler d1 execute failed:\n${result.error.trim()}`);
}
console.log(
  `Created ${user.role} ${user.email} (id ${id}) in the ${target.remote ? "remote" : "local"} database.`,
);
