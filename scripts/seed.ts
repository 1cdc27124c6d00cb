// npm run db:seed — idempotent demo data for the LOCAL database only: one user per role
// (password below, local use only), a few products, a portfolio and three stores on the
// demo seller's route. Fixed ids and INSERT OR IGNORE make re-runs no-ops.
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
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const demoProducts = [
  ["BEB-COLA-350", "Gaseosa cola 350 ml", "bebidas", "unit", 2500],
  ["BEB-AGUA-600", "Agua sin gas 600 ml", "bebidas", "unit", 1800],
  ["ABA-ARROZ-1K", "Arroz blanco 1 kg", "abarrotes", "kg", 4200],
  ["ABA-CAFE-500", "Café molido 500 g", "abarrotes", "pack", 15900],
  ["ASE-JABON-3", "Jabón de barra x3", "aseo", "pack", 6300],
] as const;
demoProducts.forEach(([sku, name, category, unit, price], i) => {
  statements.push(
    insertSql(
      "products",
      { id: id(100 + i), sku, name, category, unit, price, created_at: now, updated_at: now },
      "ignore",
    ),
  );
});
statements.push(
  insertSql(
    "portfolios",
    {
      id: id(200),
      name: "Tienda de barrio",
      description: "Lo básico de una tienda",
      created_at: now,
      updated_at: now,
    },
    "ignore",
  ),
);
demoProducts.forEach((_, i) => {
  statements.push(
    insertSql(
      "portfolio_items",
      {
        portfolio_id: id(200),
        product_id: id(100 + i),
        position: i,
        price: i === 0 ? 2300 : null,
        added_at: now,
      },
      "ignore",
    ),
  );
});
const stores = [
  ["Tienda Doña Rosa", "Bogotá", "Cundinamarca", 4.6097, -74.0817],
  ["Minimercado El Sol", "Medellín", "Antioquia", 6.2442, -75.5812],
  ["Droguería La Salud", "Cali", "Valle del Cauca", 3.4516, -76.532],
] as const;
stores.forEach(([name, city, department, latitude, longitude], i) => {
  statements.push(
    insertSql(
      "establishments",
      {
        id: id(300 + i),
        name,
        kind: i === 2 ? "drogueria" : i === 1 ? "minimercado" : "tienda",
        address: "Calle 10 # 5-20",
        city,
        department,
        latitude,
        longitude,
        portfolio_id: id(200),
        created_at: now,
        updated_at: now,
      },
      "ignore",
    ),
    insertSql(
      "establishment_sellers",
      { establishment_id: id(300 + i), seller_id: demoUsers[1]!.id, assigned_at: now },
      "ignore",
    ),
  );
});

const result = executeSql(statements.join("\n"), { remote: false });
if (!result.ok) {
  console.error(`db:seed failed:\n${result.error.trim()}`);
  process.exit(1);
}
console.log(`Seeded ${demoUsers.length} local users (password: ${DEMO_PASSWORD}):`);
for (const user of demoUsers) console.log(`  ${user.role.padEnd(8)} ${user.email}`);
console.log(
  `…and ${demoProducts.length} products, 1 portfolio, ${stores.length} establishments on ${demoUsers[1]!.email}'s route.`,
);
