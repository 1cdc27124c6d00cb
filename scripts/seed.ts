// npm run db:seed — idempotent demo data for the LOCAL database only: one user per role
// (password below, local use only). Fixed ids and INSERT OR IGNORE make re-runs no-ops.
import { hashPassword, passwordPolicyViolation } from "../src/auth/passwords";
import type { UserRole } from "../src/db/schema";
import { executeSql, insertSql, migrateLocal } from "./d1";

export const DEMO_PASSWORD = "portafolio-local-demo";

const demoUsers: {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: UserRole;
}[] = [
  {
    id: "00000000-0000-7000-8000-000000000001",
    email: "admin@portafolio.local",
    firstName: "Adriana",
    lastName: "Administradora",
    role: "admin",
  },
  {
    id: "00000000-0000-7000-8000-000000000002",
    email: "vendedor@portafolio.local",
    firstName: "Valentina",
    lastName: "Vendedora",
    role: "seller",
  },
  {
    id: "00000000-0000-7000-8000-000000000003",
    email: "soporte@portafolio.local",
    firstName: "Santiago",
    lastName: "Soporte",
    role: "support",
  },
  {
    id: "00000000-0000-7000-8000-000000000004",
    email: "analista@portafolio.local",
    firstName: "Andrés",
    lastName: "Analista",
    role: "analyst",
  },
];

if (process.argv.includes("--remote")) {
  console.error("db:seed: demo data with a published password is for the local database only");
  process.exit(1);
}
const weak = passwordPolicyViolation(DEMO_PASSWORD, "");
if (weak) throw new Error(`DEMO_PASSWORD breaks the policy: ${weak}`);

migrateLocal();
const now = new Date().toISOString();
const passwordHash = await hashPassword(DEMO_PASSWORD);
const statements = demoUsers.map((user) =>
  insertSql(
    "users",
    {
      id: user.id,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      role: user.role,
      password_hash: passwordHash,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    },
    "ignore",
  ),
);
const result = executeSql(statements.join("\n"), { remote: false });
if (!result.ok) {
  console.error(`db:seed failed:\n${result.error.trim()}`);
  process.exit(1);
}
console.log(`Seeded ${demoUsers.length} local users (password: ${DEMO_PASSWORD}):`);
for (const user of demoUsers) console.log(`  ${user.role.padEnd(8)} ${user.email}`);
