import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { createDatabase } from "../src/db/client";
import { establishments, portfolioItems, portfolios } from "../src/db/schema";
import { uuidv7 } from "../src/lib/ids";
import { EXPORTS, type ExportName } from "../src/routes/stats/export.entities";
import { actor } from "./support/auth";
import { db, insertProducts } from "./support/factories";

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

/** Every statement one request runs, and the request's answer. */
async function statementsOf(path: string, headers: Record<string, string>) {
  const statements: string[] = [];
  const recording = { ...env, DB: recordingDb(statements) } as unknown as Env;
  const response = await app.request(path, { headers }, recording);
  return { response, statements };
}

const app = createApp();
const { headers } = await actor("admin");
const seller = await actor("seller");
const products = await insertProducts(60);

// Six stores on the seller's route (more than a page of 5), the first carrying a portfolio.
const stores: string[] = [];
for (let i = 0; i < 6; i++) {
  const response = await app.request(
    "/api/v1/establishments",
    {
      method: "POST",
      headers: { ...seller.headers, "Content-Type": "application/json" },
      body: JSON.stringify({
        name: `Tienda ${i}`,
        kind: "tienda",
        address: `Calle ${i}`,
        department: "05",
        city: "05001",
      }),
    },
    env,
  );
  stores.push(((await response.json()) as { id: string }).id);
}
const portfolioId = uuidv7();
await db().insert(portfolios).values({ id: portfolioId, name: "Portafolio del plan" });
await db()
  .insert(portfolioItems)
  .values(products.slice(0, 3).map((p, position) => ({ portfolioId, productId: p.id, position })));
await db().update(establishments).set({ portfolioId }).where(eq(establishments.id, stores[0]!));

const lists: [string, string[]][] = [
  ["/api/v1/products", ["name", "-name", "sku", "price", "-price", "createdAt", "updatedAt"]],
  // Search as people type it reads the stored name key while walking the sort index.
  ["/api/v1/products?q=maracuya", ["name", "price"]],
  ["/api/v1/establishments", ["name", "city", "createdAt", "-updatedAt"]],
  // A place filter, by name or code, is one code: (code, name, id) is walked in order.
  ["/api/v1/establishments?q=dona%20rosa&city=medellin", ["name", "-name"]],
  ["/api/v1/establishments?department=antioquia", ["name"]],
  // The brief-scale benchmark's admin lists (bench/scale.mjs).
  ["/api/v1/establishments?department=05&status=active", ["name"]],
  ["/api/v1/establishments?department=05&city=medellin", ["name"]],
  ["/api/v1/portfolios", ["name", "createdAt", "updatedAt"]],
  ["/api/v1/users", ["createdAt", "lastName"]],
  // The audit trail: each filter walks its own (filter, occurred_at, id) index.
  ["/api/v1/audit-events", ["-occurredAt", "occurredAt"]],
  ["/api/v1/audit-events?since=2026-01-01T00:00:00Z&until=2099-01-01T00:00:00Z", ["-occurredAt"]],
  [`/api/v1/audit-events?actorId=${(await actor("admin")).user.id}`, ["-occurredAt"]],
  ["/api/v1/audit-events?entityType=product", ["-occurredAt"]],
  [`/api/v1/audit-events?entityType=product&entityId=${products[0]!.id}`, ["-occurredAt"]],
  ["/api/v1/audit-events?action=auth.login", ["-occurredAt"]],
  ["/api/v1/audit-events?requestId=some-request", ["-occurredAt"]],
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

/**
 * `?code=` names at most one live store (establishments_code_unique is partial: live rows
 * only), so the list seeks that index, whatever the table's size: one row, nothing to sort.
 */
describe("a store's code is found through its unique index", () => {
  it("GET /establishments?code= searches establishments_code_unique, no scan, no sort", async () => {
    const { response, statements } = await statementsOf(
      "/api/v1/establishments?code=T-000123",
      headers,
    );
    expect(response.status).toBe(200);
    const reads = statements.filter((q) => /from "establishments"/i.test(q));
    expect(reads).toHaveLength(1);
    const plan = (await planOf(reads[0]!)).join(" | ");
    expect(plan).toMatch(
      /SEARCH establishments USING INDEX establishments_code_unique \(code=\?\)/,
    );
    expect(plan).not.toMatch(/SCAN establishments|TEMP B-TREE/);
  });
});

/**
 * A seller's route is a few dozen stores among hundreds of thousands: their reads must
 * start from the route (establishment_sellers by seller_id) and fetch those stores by id,
 * never walk the establishments in sort order probing the route at each row. Sorting the
 * route's own rows (a temporary B-tree over them) costs the route's size, not the table's.
 */
describe("a seller's reads start from their route, not from every establishment", () => {
  const fromRoute =
    /SEARCH establishment_sellers USING COVERING INDEX establishment_sellers_seller_idx \(seller_id=\?\)/;

  const routeLists: [string, () => Record<string, string>, string[]][] = [
    ["/api/v1/establishments (as the seller)", () => seller.headers, ["name", "-updatedAt"]],
    [`/api/v1/establishments?sellerId=<seller> (as admin)`, () => headers, ["name", "-updatedAt"]],
  ];
  for (const [label, headersOf, sorts] of routeLists) {
    for (const sort of sorts) {
      it(`${label}?sort=${sort}, first page and a later page`, async () => {
        const base = `/api/v1/establishments?sort=${sort}&limit=5${label.includes("sellerId") ? `&sellerId=${seller.user.id}` : ""}`;
        const first = await statementsOf(base, headersOf());
        expect(first.response.status).toBe(200);
        const { data, nextCursor } = (await first.response.json()) as {
          data: unknown[];
          nextCursor: string | null;
        };
        expect(data).toHaveLength(5);
        const later = await statementsOf(`${base}&cursor=${nextCursor}`, headersOf());
        expect(later.response.status).toBe(200);
        const listQueries = [...first.statements, ...later.statements].filter((q) =>
          /from "establishments"/i.test(q),
        );
        expect(listQueries).toHaveLength(2);
        for (const query of listQueries) {
          const plan = (await planOf(query)).join(" | ");
          expect(plan, query).toMatch(fromRoute);
          expect(plan, query).not.toMatch(/SCAN establishments/);
        }
      });
    }
  }

  it("GET /establishments/{id}/portfolio as the seller reads by key only", async () => {
    const { response, statements } = await statementsOf(
      `/api/v1/establishments/${stores[0]}/portfolio`,
      seller.headers,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { items: unknown[] }).items).toHaveLength(3);
    const reads = statements.filter((q) => /establishments/.test(q));
    expect(reads).toHaveLength(2);
    for (const query of reads) {
      const plan = (await planOf(query)).join(" | ");
      expect(plan, query).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
    }
  });
});

describe("support's reads walk indexes", () => {
  it("GET /users/{id}/sign-in-status reads the audit trail through its indexes, newest first", async () => {
    const { response, statements } = await statementsOf(
      `/api/v1/users/${seller.user.id}/sign-in-status`,
      headers,
    );
    expect(response.status).toBe(200);
    const reads = statements.filter((q) =>
      /audit_events|sign_in_throttles|password_resets/.test(q),
    );
    expect(reads.length).toBeGreaterThanOrEqual(4);
    for (const query of reads) {
      const plan = (await planOf(query)).join(" | ");
      expect(plan, query).not.toMatch(/SCAN audit_events|SCAN sign_in_throttles|TEMP B-TREE/);
    }
  });
});

/**
 * The overview's figures aggregate whole tables (src/db/stats.ts): that is the snapshot's
 * job, every 10 minutes. What a request runs is one lookup of the snapshot by its key.
 */
describe("GET /stats/overview reads its snapshot by key", () => {
  it("searches stats_snapshots by its primary key, and scans nothing", async () => {
    await app.request("/api/v1/stats/overview/refresh", { method: "POST", headers }, env);
    const { response, statements } = await statementsOf("/api/v1/stats/overview", headers);
    expect(response.status).toBe(200);
    const reads = statements.filter((q) => /stats_snapshots/.test(q));
    expect(reads).toHaveLength(1);
    const plan = (await planOf(reads[0]!)).join(" | ");
    expect(plan).toMatch(/SEARCH stats_snapshots USING INDEX sqlite_autoindex_stats_snapshots_1/);
    expect(plan).not.toMatch(/\bSCAN\b/);
  });
});

/**
 * A CSV export walks every page of its entity in a fixed keyset order (src/routes/stats/
 * export.entities.ts): each page must seek into an index as a list page does, or a large
 * export would cost more per page the further it gets. Known exception, shared with the
 * lists: an equality filter on a column with an index of its own (`status`, `category`,
 * `role`) has SQLite read the filtered rows by that index and sort them (TEMP B-TREE) on
 * every page (docs/api-contract.md, "CSV exports").
 */
describe("exports walk an index in their keyset order", () => {
  const exports: [ExportName, Record<string, string>][] = [
    ["products", {}],
    ["establishments", {}],
    ["establishments", { department: "05" }],
    ["portfolio-items", {}],
    ["portfolio-items", { portfolioId }],
    ["establishments", { city: "medellin" }],
    ["users", {}],
    ["audit-events", {}],
    ["audit-events", { actorId: seller.user.id }],
  ];
  for (const [name, query] of exports) {
    it(`${name} ${JSON.stringify(query)}, first page and a later page`, async () => {
      const statements: string[] = [];
      const session = recordingDb(statements).withSession("first-primary");
      const c = {
        var: {
          db: createDatabase(session as unknown as D1DatabaseSession),
          auth: { role: "admin" },
        },
      } as never;
      const entity = EXPORTS[name];
      const filters = entity.filters.parse(query);
      const first = await entity.page(c, filters, undefined, 1);
      expect(first.nextCursor).not.toBeNull();
      await entity.page(c, filters, first.nextCursor!, 1);
      const pageQueries = statements.filter((q) => /order by/i.test(q));
      expect(pageQueries).toHaveLength(2);
      for (const sql of pageQueries) {
        const plan = (await planOf(sql)).join(" | ");
        expect(plan, sql).not.toMatch(/TEMP B-TREE/);
        expect(plan, sql).toMatch(/USING (COVERING )?INDEX/);
      }
    });
  }
});

/**
 * The snapshot's computation reads whole tables by design, but through the indexes made
 * for it (migration 0005): live stores grouped in index order, active stores' portfolios
 * from a covering index, each table's creations in the window by its created_at index.
 */
describe("the overview's computation walks the indexes made for it", () => {
  it("groups live stores along establishments_stats_idx and counts creations by created_at", async () => {
    // An old snapshot, so the refresh computes (within a minute it serves the last one).
    await env.DB.prepare(
      "update stats_snapshots set generated_at = '2000-01-01T00:00:00.000Z'",
    ).run();
    const statements: string[] = [];
    const recording = { ...env, DB: recordingDb(statements) } as unknown as Env;
    const response = await app.request(
      "/api/v1/stats/overview/refresh",
      { method: "POST", headers },
      recording,
    );
    expect(response.status).toBe(200);
    const [refresh] = statements.filter((q) => /stats_overview/.test(q));
    const plan = (await planOf(refresh!)).join(" | ");
    expect(plan).toMatch(/SCAN establishments USING COVERING INDEX establishments_stats_idx/);
    expect(plan).toMatch(
      /SEARCH establishments USING COVERING INDEX establishments_live_status_portfolio_idx \(status=\? AND portfolio_id>\?\)/,
    );
    expect(plan).toMatch(
      /SEARCH e USING COVERING INDEX establishments_live_status_portfolio_idx \(status=\?\)/,
    );
    for (const table of ["products", "establishments", "portfolios", "users"]) {
      expect(plan).toMatch(
        new RegExp(
          `SEARCH ${table} USING COVERING INDEX ${table}_created_at_id_idx \\(created_at>\\?\\)`,
        ),
      );
    }
  });
});

/**
 * GET /sync reads a seller's scope and the log by index: their route, their portfolios'
 * items, the log by entity, portfolio or seller — never a whole table, whatever its size
 * (300,000 stores, 20,000 products, a month of log).
 */
describe("a seller's sync reads only their scope and the log by index", () => {
  it("from zero and from a cursor, every page", async () => {
    const fullScan =
      /^SCAN (establishments|products|changes|portfolio_items|establishment_sellers)\b/;
    for (const first of [true, false]) {
      let cursor: string | undefined;
      if (!first) {
        const snapshot = await app.request("/api/v1/sync", { headers: seller.headers }, env);
        cursor = ((await snapshot.json()) as { nextCursor: string }).nextCursor;
      }
      const { response, statements } = await statementsOf(
        `/api/v1/sync?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        seller.headers,
      );
      expect(response.status).toBe(200);
      const syncQueries = statements.filter((q) => /"changes"|change_log_state/.test(q));
      expect(syncQueries.length).toBeGreaterThan(0);
      for (const query of syncQueries) {
        const plan = await planOf(query);
        for (const step of plan) expect(step, query).not.toMatch(fullScan);
      }
    }
  });
});
