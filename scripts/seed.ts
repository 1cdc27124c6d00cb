// npm run db:seed — idempotent demo data for the LOCAL database only: one user per role
// (password below, local use only), a few products, a portfolio and three stores on the
// demo seller's route. Fixed ids and upserts make a re-run put every demo row back as
// seeded (undeleted, with a new version so old ETags stop matching), leaving other rows be.
import { hashPassword, passwordPolicyViolation } from "../src/auth/passwords";
import type { UserRole } from "../src/db/schema";
import { searchKey } from "../src/lib/search-key";
import { executeSql, literal, migrateLocal, querySql, type Upsert, upsertSql } from "./d1";

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

type Row = Record<string, string | number | null>;

/** A row with an id and a version: the id is the conflict, created_at stays, version + 1. */
const versioned: Upsert = { keep: ["created_at"], bump: true };

/** Columns the seed leaves out but the API may have set: they go back to their defaults. */
const defaults: Record<string, Row> = {
  users: { document_number: null, phone: null, status: "active" },
  products: {
    description: null,
    brand: null,
    gtin: null,
    image_url: null,
    currency: "COP",
    status: "active",
    deleted_at: null,
  },
  portfolios: { status: "active", deleted_at: null },
  establishments: { tax_id: null, phone: null, status: "active", deleted_at: null },
};

/** Every demo row written, to name the rows in the way when a unique value is taken. */
const demoRows: { table: string; row: Row }[] = [];

/** Puts a demo row back as seeded, whatever the API did to it (see upsertSql). */
function restoreSql(table: string, values: Row, how: Upsert) {
  const row = { ...defaults[table], ...values };
  demoRows.push({ table, row });
  return upsertSql(table, row, how);
}

/** The unique indexes (src/db/schema) whose value a demo row could find taken. */
const uniqueColumns = [
  { table: "users", column: "email", caseless: true, liveOnly: false },
  { table: "users", column: "document_number", caseless: false, liveOnly: false },
  { table: "products", column: "sku", caseless: false, liveOnly: true },
  { table: "products", column: "gtin", caseless: false, liveOnly: true },
  { table: "portfolios", column: "name", caseless: false, liveOnly: true },
  { table: "establishments", column: "tax_id", caseless: false, liveOnly: true },
];

/** Rows that are not demo rows but hold a unique value a demo row needs. */
function rowsInTheWay() {
  const selects = uniqueColumns.flatMap(({ table, column, caseless, liveOnly }) => {
    const demo = demoRows.filter((d) => d.table === table);
    const values = demo.map((d) => d.row[column]).filter((v) => v !== null && v !== undefined);
    if (!values.length) return [];
    const cased = (sql: string) => (caseless ? `lower(${sql})` : sql);
    return [
      `select '${table}' as tbl, id, '${column}' as col, ${column} as value from ${table}`,
      `where ${cased(column)} in (${values.map((v) => cased(literal(v))).join(", ")})`,
      `and id not in (${demo.map((d) => literal(d.row.id)).join(", ")})`,
      liveOnly ? "and deleted_at is null" : "",
    ].join(" ");
  });
  return querySql<{ tbl: string; id: string; col: string; value: string }>(
    selects.join(" union all "),
    { remote: false },
  );
}

if (process.argv.includes("--remote")) {
  console.error("db:seed: demo data with a published password is for the local database only");
  process.exit(1);
}
const weak = passwordPolicyViolation(DEMO_PASSWORD, "");
if (weak) throw new Error(`DEMO_PASSWORD breaks the policy: ${weak.en}`);

migrateLocal();
const now = new Date().toISOString();
const passwordHash = await hashPassword(DEMO_PASSWORD);
const statements = demoUsers.map((user) =>
  restoreSql(
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
    versioned,
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
    restoreSql(
      "products",
      {
        id: id(100 + i),
        sku,
        name,
        name_key: searchKey(name),
        category,
        unit,
        price,
        created_at: now,
        updated_at: now,
      },
      versioned,
    ),
  );
});
statements.push(
  restoreSql(
    "portfolios",
    {
      id: id(200),
      name: "Tienda de barrio",
      description: "Lo básico de una tienda",
      created_at: now,
      updated_at: now,
    },
    versioned,
  ),
);
demoProducts.forEach((_, i) => {
  statements.push(
    restoreSql(
      "portfolio_items",
      {
        portfolio_id: id(200),
        product_id: id(100 + i),
        position: i,
        price: i === 0 ? 2300 : null,
        added_at: now,
      },
      { key: ["portfolio_id", "product_id"], keep: ["added_at"] },
    ),
  );
});
// Places as DANE's DIVIPOLA names and codes them (migration 0002 loads the list).
const stores = [
  ["Tienda Doña Rosa", "11001", "Bogotá, D.C.", "11", "Bogotá, D.C.", 4.6097, -74.0817],
  ["Minimercado El Sol", "05001", "Medellín", "05", "Antioquia", 6.2442, -75.5812],
  ["Droguería La Salud", "76001", "Santiago de Cali", "76", "Valle del Cauca", 3.4516, -76.532],
] as const;
stores.forEach(([name, cityCode, city, departmentCode, department, latitude, longitude], i) => {
  statements.push(
    restoreSql(
      "establishments",
      {
        id: id(300 + i),
        name,
        name_key: searchKey(name),
        kind: i === 2 ? "drogueria" : i === 1 ? "minimercado" : "tienda",
        address: "Calle 10 # 5-20",
        city,
        city_code: cityCode,
        department,
        department_code: departmentCode,
        latitude,
        longitude,
        portfolio_id: id(200),
        created_at: now,
        updated_at: now,
      },
      versioned,
    ),
    restoreSql(
      "establishment_sellers",
      { establishment_id: id(300 + i), seller_id: demoUsers[1]!.id, assigned_at: now },
      { key: ["establishment_id", "seller_id"], keep: ["assigned_at"] },
    ),
  );
});

const result = executeSql(statements.join("\n"), { remote: false });
if (!result.ok) {
  // The statements run as one batch, so a failure changes nothing. The likely one: another
  // row took a unique value (a sku, an email) that a demo row needs back. Say which.
  const inTheWay = result.error.includes("UNIQUE constraint failed") ? rowsInTheWay() : null;
  if (inTheWay?.ok && inTheWay.rows.length) {
    console.error(
      "db:seed: nothing changed. Rows that are not demo rows hold values the demo rows need:",
    );
    for (const r of inTheWay.rows)
      console.error(`  ${r.tbl} ${r.id}: ${r.col} ${literal(r.value)}`);
    console.error(
      "Change or delete those rows (through the API), or start over with `npm run db:reset` (deletes all local data).",
    );
    process.exit(1);
  }
  console.error(`db:seed failed:\n${result.error.trim()}`);
  process.exit(1);
}
console.log(`Seeded (or restored) ${demoUsers.length} local users (password: ${DEMO_PASSWORD}):`);
for (const user of demoUsers) console.log(`  ${user.role.padEnd(8)} ${user.email}`);
console.log(
  `…and ${demoProducts.length} products, 1 portfolio, ${stores.length} establishments on ${demoUsers[1]!.email}'s route.`,
);
