import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { actor } from "./support/auth";
import { insertProducts } from "./support/factories";

/**
 * Keyset pagination only keeps page 100 as cheap as page 1 if every list query walks an
 * index in sort order. This records the SQL the app really runs for each list and sort,
 * and asks SQLite for its plan: no temporary B-tree for ORDER BY, no full table scan.
 */
function recordingDb(statements: string[]) {
  return {
    withSession: (constraint: string) => {
      const session = env.DB.withSession(constraint);
      return {
        prepare: (query: string) => {
          statements.push(query);
          return session.prepare(query);
        },
        batch: (batch: D1PreparedStatement[]) => session.batch(batch),
        getBookmark: () => session.getBookmark(),
      };
    },
  };
}

async function planOf(query: string) {
  const params = (query.match(/\?/g) ?? []).map(() => null);
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

const app = createApp();
const { headers } = await actor("admin");
await insertProducts(60);

const lists: [string, string[]][] = [
  ["/api/v1/products", ["name", "-name", "sku", "price", "-price", "createdAt", "updatedAt"]],
  // Search as people type it reads the stored name key while walking the sort index.
  ["/api/v1/products?q=maracuya", ["name", "price"]],
  ["/api/v1/establishments", ["name", "city", "createdAt", "-updatedAt"]],
  // A place filter, by name or code, is one code: (code, name, id) is walked in order.
  ["/api/v1/establishments?q=dona%20rosa&city=medellin", ["name", "-name"]],
  ["/api/v1/establishments?department=antioquia", ["name"]],
  ["/api/v1/portfolios", ["name", "createdAt", "updatedAt"]],
  ["/api/v1/users", ["createdAt", "lastName"]],
];

describe("list queries walk an index in sort order", () => {
  for (const [path, sorts] of lists) {
    for (const sort of sorts) {
      it(`${path}?sort=${sort}, first page and a later page`, async () => {
        const statements: string[] = [];
        const db = { ...env, DB: recordingDb(statements) } as unknown as Env;
        const page = (extra: string) =>
          app.request(
            `${path}${path.includes("?") ? "&" : "?"}sort=${sort}&limit=5${extra}`,
            { headers },
            db,
          );
        const first = await page("");
        expect(first.status).toBe(200);
        const { nextCursor } = (await first.json()) as { nextCursor: string | null };
        if (nextCursor) await page(`&cursor=${nextCursor}`);
        const listQueries = statements.filter((q) => /order by/i.test(q));
        expect(listQueries.length).toBeGreaterThan(0);
        for (const query of listQueries) {
          const plan = (await planOf(query)).join(" | ");
          expect(plan, query).not.toMatch(/TEMP B-TREE/);
          expect(plan, query).toMatch(/USING (COVERING )?INDEX/);
        }
      });
    }
  }
});
