// The benchmark's national data set, as SQL for `wrangler d1 execute --file`: 10,000
// products, 5,000 establishments in Colombia's 32 departments, 200 sellers (25 stores
// each), and 50 portfolios of 300–2,000 items. Deterministic (seeded PRNG).
import { pbkdf2Sync, randomBytes } from "node:crypto";

export const BENCH_PASSWORD = "benchmark-password-2026";
export const ADMIN_EMAIL = "bench-admin@bench.local";
export const sellerEmail = (i) => `seller-${String(i).padStart(3, "0")}@bench.local`;

const DEPARTMENTS = [
  ["Amazonas", "Leticia"],
  ["Antioquia", "Medellín"],
  ["Arauca", "Arauca"],
  ["Atlántico", "Barranquilla"],
  ["Bolívar", "Cartagena"],
  ["Boyacá", "Tunja"],
  ["Caldas", "Manizales"],
  ["Caquetá", "Florencia"],
  ["Casanare", "Yopal"],
  ["Cauca", "Popayán"],
  ["Cesar", "Valledupar"],
  ["Chocó", "Quibdó"],
  ["Córdoba", "Montería"],
  ["Cundinamarca", "Bogotá"],
  ["Guainía", "Inírida"],
  ["Guaviare", "San José del Guaviare"],
  ["Huila", "Neiva"],
  ["La Guajira", "Riohacha"],
  ["Magdalena", "Santa Marta"],
  ["Meta", "Villavicencio"],
  ["Nariño", "Pasto"],
  ["Norte de Santander", "Cúcuta"],
  ["Putumayo", "Mocoa"],
  ["Quindío", "Armenia"],
  ["Risaralda", "Pereira"],
  ["San Andrés y Providencia", "San Andrés"],
  ["Santander", "Bucaramanga"],
  ["Sucre", "Sincelejo"],
  ["Tolima", "Ibagué"],
  ["Valle del Cauca", "Cali"],
  ["Vaupés", "Mitú"],
  ["Vichada", "Puerto Carreño"],
];
const CATEGORIES = [
  "bebidas",
  "lácteos",
  "snacks",
  "aseo",
  "abarrotes",
  "panadería",
  "dulces",
  "cuidado personal",
  "enlatados",
  "granos",
];
const KINDS = ["tienda", "minimercado", "supermercado", "drogueria", "otro"];
const UNITS = ["unit", "pack", "box", "kg", "l"];

function prng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q = (v) =>
  v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
const id = (kind, n) => `0190${kind}000-0000-7000-8000-${String(n).padStart(12, "0")}`;

function inserts(table, columns, rows, perStatement = 400) {
  const out = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => `(${row.map(q).join(",")})`);
    out.push(`INSERT INTO ${table} (${columns.join(",")}) VALUES\n${values.join(",\n")};`);
  }
  return out;
}

function hash(password) {
  const salt = randomBytes(16);
  const digest = pbkdf2Sync(password.normalize("NFC"), salt, 100_000, 32, "sha256");
  return `pbkdf2-sha256$100000$${salt.toString("base64")}$${digest.toString("base64")}`;
}

export function benchSeedSql() {
  const random = prng(20261126);
  const now = "2026-11-26T00:00:00.000Z";
  const at = (n) => new Date(Date.parse(now) + n * 1000).toISOString();
  const passwordHash = hash(BENCH_PASSWORD);

  const users = [[id("a", 0), ADMIN_EMAIL, "Bench", "Admin", "admin", passwordHash, now, now, now]];
  for (let s = 1; s <= 200; s++)
    users.push([
      id("5", s),
      sellerEmail(s),
      "Vendedor",
      `Número ${s}`,
      "seller",
      passwordHash,
      now,
      at(s),
      at(s),
    ]);

  const products = [];
  for (let p = 1; p <= 10_000; p++) {
    const category = CATEGORIES[p % CATEGORIES.length];
    products.push([
      id("b", p),
      `BENCH-${String(p).padStart(5, "0")}`,
      `Producto ${String(p).padStart(5, "0")} ${category}`,
      category,
      UNITS[p % UNITS.length],
      Math.floor(random() * 50_000) + 500,
      at(p),
      at(p),
    ]);
  }

  const portfolios = [];
  const items = [];
  for (let f = 1; f <= 50; f++) {
    portfolios.push([id("c", f), `Portafolio ${String(f).padStart(2, "0")}`, at(f), at(f)]);
    const size = 300 + Math.floor(random() * 1701);
    const start = Math.floor(random() * (10_000 - size));
    for (let k = 0; k < size; k++) {
      const override = random() < 0.2 ? Math.floor(random() * 40_000) + 500 : null;
      items.push([id("c", f), id("b", start + k + 1), override, k, now]);
    }
  }

  const establishments = [];
  const assignments = [];
  for (let e = 1; e <= 5_000; e++) {
    const [department, city] = /** @type {[string, string]} */ (
      DEPARTMENTS[e % DEPARTMENTS.length]
    );
    establishments.push([
      id("d", e),
      `Establecimiento ${String(e).padStart(4, "0")}`,
      KINDS[e % KINDS.length],
      `Calle ${e % 100} # ${e % 50}-${e % 30}`,
      city,
      department,
      id("c", (e % 50) + 1),
      at(e),
      at(e),
    ]);
    assignments.push([id("d", e), id("5", (e % 200) + 1), now]);
  }

  return [
    ...inserts(
      "users",
      [
        "id",
        "email",
        "first_name",
        "last_name",
        "role",
        "password_hash",
        "password_changed_at",
        "created_at",
        "updated_at",
      ],
      users,
    ),
    ...inserts(
      "products",
      ["id", "sku", "name", "category", "unit", "price", "created_at", "updated_at"],
      products,
    ),
    ...inserts("portfolios", ["id", "name", "created_at", "updated_at"], portfolios),
    ...inserts(
      "portfolio_items",
      ["portfolio_id", "product_id", "price", "position", "added_at"],
      items,
    ),
    ...inserts(
      "establishments",
      [
        "id",
        "name",
        "kind",
        "address",
        "city",
        "department",
        "portfolio_id",
        "created_at",
        "updated_at",
      ],
      establishments,
    ),
    ...inserts(
      "establishment_sellers",
      ["establishment_id", "seller_id", "assigned_at"],
      assignments,
    ),
  ].join("\n");
}

/** Ids the scenarios pick from. */
export const benchIds = {
  product: (n) => id("b", n),
  seller: (n) => id("5", n),
  /** The establishments on seller n's route (e % 200 + 1 === n). */
  establishmentsOf: (n) => {
    const first = n - 1 === 0 ? 200 : n - 1;
    return Array.from({ length: 25 }, (_, k) => id("d", first + 200 * k));
  },
};
