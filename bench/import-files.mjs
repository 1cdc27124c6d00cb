// The benchmark's national data set (bench/seed.mjs) as the CSV files an admin loads with
// POST /imports/{entity}: the same sellers, products, portfolios, items, stores and routes
// the seed writes into SQLite, from the same generator (drawCatalogue, itemPrice,
// storeOf), so both benchmarks describe one data set. What the seed has no column for is
// added the way a company's ERP would have it: a store code (`EST-000001`), and places by
// their DIVIPOLA codes (`05001`, `05`), which the API resolves as it resolves a name.
// Also reads the API's CSV exports back, to compare them with what was sent.
import { createWriteStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { drawCatalogue, itemPrice, STANDARD, sellerEmail, storeOf } from "./seed.mjs";

/** `,` and no byte order mark: what most tools write. */
export const PLAIN = { delimiter: ",", bom: false };
/** What Excel writes in Colombia ("CSV UTF-8" with a `;` list separator): `;` and a BOM. */
export const EXCEL_CO = { delimiter: ";", bom: true };

/** A cell as RFC 4180 writes it: quoted when it holds the delimiter, a quote or a line end. */
function cell(value, delimiter) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return text.includes(delimiter) || /["\r\n]/.test(text)
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/**
 * Writes `header` and `rows` (any iterable, read once) to `path` as CSV, CRLF line ends,
 * streamed a thousand lines at a time so a file of any size costs little memory.
 * Returns how many rows it wrote.
 * @param {string} path
 * @param {readonly string[]} header
 * @param {Iterable<readonly unknown[]>} rows
 * @param {{ delimiter: string, bom: boolean }} format
 */
export async function writeCsv(path, header, rows, { delimiter, bom }) {
  const line = (cells) => `${cells.map((c) => cell(c, delimiter)).join(delimiter)}\r\n`;
  let count = 0;
  function* lines() {
    let batch = `${bom ? "\uFEFF" : ""}${line(header)}`;
    for (const row of rows) {
      batch += line(row);
      if (++count % 1000 === 0) {
        yield batch;
        batch = "";
      }
    }
    if (batch !== "") yield batch;
  }
  await pipeline(Readable.from(lines()), createWriteStream(path));
  return count;
}

/**
 * DIVIPOLA's municipalities (scripts/data/divipola.csv, what migration 0002 loads) in the
 * seed's `places` order: the `xx001` codes first, then by code.
 */
export function divipolaPlaces() {
  const places = readCsv(readFileSync("scripts/data/divipola.csv", "utf8")).map((row) => ({
    departmentCode: String(row.department_code),
    cityCode: String(row.municipality_code),
  }));
  const capitalFirst = (code) => (code.endsWith("001") ? 0 : 1);
  places.sort(
    (a, b) =>
      capitalFirst(a.cityCode) - capitalFirst(b.cityCode) || a.cityCode.localeCompare(b.cityCode),
  );
  return {
    places,
    counts: {
      municipalities: places.length,
      departments: new Set(places.map((p) => p.departmentCode)).size,
    },
  };
}

export const storeCode = (prefix, e) => `${prefix}-${String(e).padStart(6, "0")}`;

/**
 * The national data set of `size` as rows of the import files' columns, and the stores as
 * a function: their file needs the ids of the portfolios, which only the API gives.
 */
export function nationalDataSet(size = STANDARD) {
  const catalogue = drawCatalogue(size);
  const { places, counts } = divipolaPlaces();
  const skuOf = (n) => /** @type {{ sku: string }} */ (catalogue.products[n - 1]).sku;
  const stores = size.sellers * size.storesPerSeller;
  return {
    users: {
      header: ["email", "firstName", "lastName", "role"],
      rows: Array.from({ length: size.sellers }, (_, i) => [
        sellerEmail(i + 1),
        "Vendedor",
        `Número ${i + 1}`,
        "seller",
      ]),
    },
    products: {
      header: ["sku", "name", "category", "unit", "price"],
      rows: catalogue.products.map((p) => [p.sku, p.name, p.category, p.unit, p.price]),
    },
    portfolioNames: catalogue.portfolios.map((f) => f.name),
    items: {
      header: ["portfolioName", "sku", "price", "position"],
      rows: catalogue.portfolios.flatMap((f) =>
        Array.from({ length: f.items }, (_, i) => [
          f.name,
          skuOf(f.start + i + 1),
          itemPrice(f.n, i + 1),
          i,
        ]),
      ),
    },
    stores,
    /**
     * Stores 1..count of a data set laid out like `layout` (STANDARD, or BRIEF_SCALE for
     * the job file), coded `prefix-000001`…, carrying `portfolioIds[e % n]` as the seed's
     * store e carries portfolio e % n + 1.
     * @param {{ prefix: string, count: number, layout?: import("./seed.mjs").DataSetSize, portfolioIds: string[] }} options
     */
    storeRows: function* ({ prefix, count, layout = size, portfolioIds }) {
      for (let e = 1; e <= count; e++) {
        const store = storeOf(e, layout, counts);
        const place = /** @type {{ cityCode: string, departmentCode: string }} */ (
          places[store.place]
        );
        yield [
          storeCode(prefix, e),
          store.name,
          store.kind,
          store.address,
          place.cityCode,
          place.departmentCode,
          portfolioIds[e % portfolioIds.length],
        ];
      }
    },
    storeHeader: ["code", "name", "kind", "address", "city", "department", "portfolioId"],
    /** Store e is on seller e % sellers + 1's route (the seed's establishment_sellers). */
    assignments: {
      header: ["establishmentCode", "sellerEmail"],
      rows: Array.from({ length: stores }, (_, i) => [
        storeCode("EST", i + 1),
        sellerEmail(((i + 1) % size.sellers) + 1),
      ]),
    },
  };
}

/**
 * An export of the API (RFC 4180, `,`, a header of field names) as one object per row.
 * Text the export escaped against formulas (a leading `'`) is given back as it was.
 * @param {string} text
 * @returns {Record<string, string>[]}
 */
export function readCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let quoted = false;
  // The export escapes text before quoting it: one leading `'` is dropped either way.
  const endField = () => {
    record.push(field.startsWith("'") ? field.slice(1) : field);
    field = "";
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") endField();
    else if (ch === "\n") {
      endField();
      records.push(record);
      record = [];
    } else if (ch !== "\r") field += ch;
  }
  if (field !== "" || record.length > 0) {
    endField();
    records.push(record);
  }
  const [header = [], ...rows] = records;
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ""])));
}
