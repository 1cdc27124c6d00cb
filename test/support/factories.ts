import { env } from "cloudflare:workers";
import { chunkRowsForInsert } from "../../src/db/chunk";
import { createDatabase } from "../../src/db/client";
import { products } from "../../src/db/schema";
import { uuidv7 } from "../../src/lib/ids";
import { nameKeyOf } from "../../src/lib/search-key";

export const db = () => createDatabase(env.DB);

let sequence = 0;

/** Inserts `count` products straight into D1 (chunked under D1's 100-parameter limit). */
export async function insertProducts(
  count: number,
  overrides: Partial<typeof products.$inferInsert> = {},
) {
  const rows = Array.from({ length: count }, () => {
    sequence += 1;
    return {
      id: uuidv7(),
      sku: `SKU-${sequence}-${crypto.randomUUID().slice(0, 8)}`.toUpperCase(),
      name: `Producto ${String(sequence).padStart(5, "0")}`,
      category: "bebidas",
      unit: "unit" as const,
      price: (sequence * 37) % 5000,
      ...overrides,
    };
  }).map((row) => ({ ...row, ...nameKeyOf(row) }));
  const [first, ...rest] = chunkRowsForInsert(products, rows).map((chunk) =>
    db().insert(products).values(chunk),
  );
  if (first) await db().batch([first, ...rest]);
  return rows;
}
