// The benchmark's data sets, as SQL for `wrangler d1 execute --file`, made by one generator
// at two sizes: STANDARD (what `npm run bench` measures: 200 sellers with 25 stores each,
// 5,000 establishments, 10,000 products, 50 portfolios) and BRIEF_SCALE (the brief's real
// scale, `npm run bench -- --scale`: 12,000 sellers, 300,000 establishments, 20,000
// products, 500 portfolios). Both deterministic: what is drawn once per product or
// portfolio comes from a seeded PRNG here; what is one row per seller, store, assignment
// or portfolio item is expanded inside SQLite (`WITH RECURSIVE`) from the row's number, so
// the file stays small and seeding fast at any size. Stores are in real DIVIPOLA places
// (the municipalities migration 0002 loads), with DANE's names and codes, as the API
// stores them.
import { pbkdf2Sync, randomBytes } from "node:crypto";

export const BENCH_PASSWORD = "benchmark-password-2026";
export const ADMIN_EMAIL = "bench-admin@bench.local";
export const sellerEmail = (i) => `seller-${String(i).padStart(3, "0")}@bench.local`;
/** Admin n (1 is ADMIN_EMAIL). */
export const adminEmail = (n) => (n === 1 ? ADMIN_EMAIL : `bench-admin-${n}@bench.local`);

/**
 * @typedef {object} DataSetSize
 * @property {string} name
 * @property {number} admins
 * @property {number} sellers
 * @property {number} storesPerSeller
 * @property {number} products
 * @property {number} portfolios
 * @property {[number, number]} itemsPerPortfolio  smallest and largest portfolio
 */

/** @type {DataSetSize} */
export const STANDARD = {
  name: "standard",
  admins: 5,
  sellers: 200,
  storesPerSeller: 25,
  products: 10_000,
  portfolios: 50,
  itemsPerPortfolio: [300, 2_000],
};

/**
 * The brief's scale. Portfolios keep the standard sizes (300–2,000 items, ~575,000 in
 * all), so a carried portfolio costs the same to read in both data sets and any
 * difference is the tables' size.
 * @type {DataSetSize}
 */
export const BRIEF_SCALE = {
  name: "brief scale",
  admins: 5,
  sellers: 12_000,
  storesPerSeller: 25,
  products: 20_000,
  portfolios: 500,
  itemsPerPortfolio: [300, 2_000],
};

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
const NOW = "2026-11-26T00:00:00.000Z";

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
const ID_PREFIX = (kind) => `0190${kind}000-0000-7000-8000-`;
const id = (kind, n) => `${ID_PREFIX(kind)}${String(n).padStart(12, "0")}`;
/** The same id, made in SQL from the number `n` (an SQL expression). */
const idSql = (kind, n) => `printf('${ID_PREFIX(kind)}%012d', ${n})`;
/** NOW plus `n` seconds, in SQL, as the API writes timestamps (milliseconds, Z). */
const atSql = (n) =>
  `strftime('%Y-%m-%dT%H:%M:%fZ', '${NOW.slice(0, 19)}', '+' || (${n}) || ' seconds')`;
/** 1..n in SQL, as the table `n(i)` of a WITH RECURSIVE. */
const numbers = (n) => `n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})`;
/** A deterministic pseudo-random 0..2^31-1 from an integer SQL expression (no overflow below 2^21). */
const mixSql = (x) =>
  `((((${x}) * 2654435761 + 97) % 2147483648) * 1597334677 % 2147483648 / 4096)`;

/** `name` as search compares it, as src/lib/search-key.ts `searchKey` (the bench runs as plain Node). */
const searchKey = (text) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");

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

/**
 * What the seed draws from its PRNG, in the order it has always drawn it: every product's
 * price, then each portfolio's size and first product (its items are products start + 1
 * to start + items). The SQL below and bench/import.mjs's CSV files are made from it.
 * @param {DataSetSize} size
 */
export function drawCatalogue(size = STANDARD) {
  const random = prng(20261126);
  const products = [];
  for (let p = 1; p <= size.products; p++) {
    const category = /** @type {string} */ (CATEGORIES[p % CATEGORIES.length]);
    products.push({
      n: p,
      sku: `BENCH-${String(p).padStart(5, "0")}`,
      name: `Producto ${String(p).padStart(5, "0")} ${category}`,
      category,
      unit: /** @type {string} */ (UNITS[p % UNITS.length]),
      price: Math.floor(random() * 50_000) + 500,
    });
  }
  const [smallest, largest] = size.itemsPerPortfolio;
  const portfolios = [];
  for (let f = 1; f <= size.portfolios; f++) {
    const items = smallest + Math.floor(random() * (largest - smallest + 1));
    const start = Math.floor(random() * (size.products - items));
    portfolios.push({ n: f, name: `Portafolio ${String(f).padStart(3, "0")}`, start, items });
  }
  return { products, portfolios };
}

/** mixSql in JavaScript: the same number for the same integer, in SQLite's 64-bit arithmetic. */
const mix = (x) =>
  Number(((((BigInt(x) * 2654435761n + 97n) % 2147483648n) * 1597334677n) % 2147483648n) / 4096n);

/** Item i (1-based) of portfolio f: its override price, or null for the list price (itemRows). */
export const itemPrice = (f, i) =>
  mix(f * 4096 + i) % 5 === 0 ? 500 + (mix(f * 4096 + i + 1) % 40000) : null;

/**
 * Store e of a data set of `size`, as establishmentRows makes it: its seller, portfolio,
 * kind, name, address, and its place as an index into DIVIPOLA's municipalities ordered
 * `xx001` codes first, then by code (`places` there). `municipalities` and `departments`
 * are how many there are.
 * @param {number} e
 * @param {DataSetSize} size
 * @param {{ municipalities: number, departments: number }} counts
 */
export function storeOf(e, size, { municipalities, departments }) {
  const seller = (e % size.sellers) + 1;
  const k = Math.floor((e - 1) / size.sellers);
  return {
    seller,
    portfolio: (e % size.portfolios) + 1,
    kind: /** @type {string} */ (KINDS[e % KINDS.length]),
    name: `Establecimiento ${String(e).padStart(6, "0")}`,
    address: `Calle ${e % 100} # ${e % 50}-${e % 30}`,
    place:
      seller % 2 === 0
        ? Math.floor(seller / 2) % departments
        : (seller * 7919 + k) % municipalities,
  };
}

/** The SQL that loads a data set of `size` into a migrated, empty database. */
export function benchSeedSql(size = STANDARD) {
  const at = (n) => new Date(Date.parse(NOW) + n * 1000).toISOString();
  const { sellers, storesPerSeller, portfolios: portfolioCount } = size;
  const stores = sellers * storesPerSeller;

  // Every user shares one hash: one PBKDF2 run, whatever the number of users.
  const passwordHash = hash(BENCH_PASSWORD);
  const admins = Array.from({ length: size.admins }, (_, i) => [
    id("a", i),
    adminEmail(i + 1),
    "Bench",
    i === 0 ? "Admin" : `Admin ${i + 1}`,
    "admin",
    passwordHash,
    NOW,
    NOW,
    NOW,
  ]);
  const sellerRows = `WITH RECURSIVE ${numbers(sellers)}
INSERT INTO users (id, email, first_name, last_name, role, password_hash, password_changed_at, created_at, updated_at)
SELECT ${idSql("5", "i")}, printf('seller-%03d@bench.local', i), 'Vendedor', 'Número ' || i, 'seller', ${q(passwordHash)}, ${q(NOW)}, ${atSql("i")}, ${atSql("i")} FROM n;`;

  const { products: drawn, portfolios: layout } = drawCatalogue(size);
  const products = drawn.map((p) => [
    id("b", p.n),
    p.sku,
    p.name,
    searchKey(p.name),
    p.category,
    p.unit,
    p.price,
    at(p.n),
    at(p.n),
  ]);

  // Each portfolio is a run of consecutive products; its items are expanded in SQL, one
  // in five with an override price (itemPrice says which, in JavaScript).
  const largest = size.itemsPerPortfolio[1];
  const portfolios = layout.map((f) => [id("c", f.n), f.name, at(f.n), at(f.n)]);
  const layouts = layout.map((f) => `(${f.n}, ${f.start}, ${f.items})`);
  const itemRows = `WITH RECURSIVE ${numbers(largest)}, layout(f, start, items) AS (VALUES ${layouts.join(", ")})
INSERT INTO portfolio_items (portfolio_id, product_id, price, position, added_at)
SELECT ${idSql("c", "f")}, ${idSql("b", "start + i")},
  CASE WHEN ${mixSql("f * 4096 + i")} % 5 = 0 THEN 500 + ${mixSql("f * 4096 + i + 1")} % 40000 END,
  i - 1, ${q(NOW)}
FROM layout JOIN n ON i <= items;`;

  // Store e is on the route of seller e % sellers + 1 (its k-th store, k = (e - 1) / sellers)
  // and carries portfolio e % portfolios + 1. Half the sellers work one large town each: a
  // department's municipality coded xx001 (its capital, except Cundinamarca's), so every
  // one holds a few thousandths of all stores; the other half have their 25 stores in
  // neighbouring municipalities (DIVIPOLA code order) anywhere in the country.
  const kind = `CASE e % ${KINDS.length} ${KINDS.map((k, i) => `WHEN ${i} THEN ${q(k)}`).join(" ")} END`;
  const establishmentRows = `WITH RECURSIVE ${numbers(stores)},
places AS MATERIALIZED (
  SELECT row_number() OVER (ORDER BY m.code NOT LIKE '__001', m.code) - 1 AS place,
    m.code AS city_code, m.name AS city, d.code AS department_code, d.name AS department
  FROM municipalities m JOIN departments d ON d.code = m.department_code),
stores AS (SELECT i AS e, i % ${sellers} + 1 AS seller, (i - 1) / ${sellers} AS k FROM n)
INSERT INTO establishments (id, name, name_key, kind, address, city, city_code, department, department_code, portfolio_id, created_at, updated_at)
SELECT ${idSql("d", "e")}, printf('Establecimiento %06d', e), printf('establecimiento%06d', e), ${kind},
  'Calle ' || (e % 100) || ' # ' || (e % 50) || '-' || (e % 30), city, city_code, department, department_code,
  ${idSql("c", `e % ${portfolioCount} + 1`)}, ${atSql("e")}, ${atSql("e")}
FROM stores JOIN places ON place = CASE WHEN seller % 2 = 0
  THEN seller / 2 % (SELECT count(*) FROM departments)
  ELSE (seller * 7919 + k) % (SELECT count(*) FROM municipalities) END
ORDER BY e;`;
  const assignmentRows = `WITH RECURSIVE ${numbers(stores)}
INSERT INTO establishment_sellers (establishment_id, seller_id, assigned_at)
SELECT ${idSql("d", "i")}, ${idSql("5", `i % ${sellers} + 1`)}, ${q(NOW)} FROM n;`;

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
      admins,
    ),
    sellerRows,
    ...inserts(
      "products",
      ["id", "sku", "name", "name_key", "category", "unit", "price", "created_at", "updated_at"],
      products,
    ),
    ...inserts("portfolios", ["id", "name", "created_at", "updated_at"], portfolios),
    itemRows,
    establishmentRows,
    assignmentRows,
  ].join("\n");
}

/** Ids the scenarios pick from, in a data set of `size`. */
export const idsOf = (size) => ({
  product: (n) => id("b", n),
  seller: (n) => id("5", n),
  /** The establishments on seller n's route (e % sellers + 1 === n). */
  establishmentsOf: (n) => {
    const first = n - 1 === 0 ? size.sellers : n - 1;
    return Array.from({ length: size.storesPerSeller }, (_, k) =>
      id("d", first + size.sellers * k),
    );
  },
});

export const benchIds = idsOf(STANDARD);
