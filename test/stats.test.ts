import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { establishmentSellers, establishments, portfolioItems, portfolios } from "../src/db/schema";
import { OVERVIEW_REFRESH_CRON } from "../src/db/stats";
import worker from "../src/index";
import { setClock } from "../src/lib/clock";
import { uuidv7 } from "../src/lib/ids";
import { StatsOverviewSchema } from "../src/routes/stats/overview.schemas";
import { client } from "./support/api";
import { actor, createUser } from "./support/auth";
import { db, insertProducts } from "./support/factories";
import { expectProblem } from "./support/http";

/**
 * GET /stats/overview on a small data set whose every figure is known. The clock is
 * fixed at 2026-03-15T12:00Z (07:00 in Bogotá), so the 30 days of activity are
 * 2026-02-14…2026-03-15 whatever day the test runs; rows made before the window are
 * dated 2020.
 */
const NOW = "2026-03-15T12:00:00.000Z";
const LONG_AGO = "2020-01-01T00:00:00.000Z";
let clock = new Date(NOW);
const restoreClock = setClock(() => clock);
afterAll(restoreClock);

const admin = await actor("admin", { createdAt: "2026-03-15T10:00:00.000Z" });
// 03:00 UTC on 1 March is 22:00 on 28 February in Bogotá.
const analyst = await actor("analyst", { createdAt: "2026-03-01T03:00:00.000Z" });
const seller = await actor("seller", { createdAt: LONG_AGO });
const support = await actor("support", { createdAt: LONG_AGO });
const s1 = await createUser({ role: "seller", createdAt: LONG_AGO, firstName: "Sara" });
const s2 = await createUser({ role: "seller", createdAt: LONG_AGO, firstName: "Samuel" });
await createUser({ role: "seller", status: "disabled", createdAt: LONG_AGO });

const product = async (category: string, createdAt: string, extra = {}) =>
  (await insertProducts(1, { category, createdAt, ...extra }))[0]!;
const p1 = await product("bebidas", "2026-03-14T15:00:00.000Z");
const p2 = await product("bebidas", "2026-03-14T15:00:00.000Z");
// The last millisecond of 14 March in Bogotá, and the first of the 15th.
const p3 = await product("snacks", "2026-03-15T04:59:59.999Z");
await product("snacks", "2026-03-15T05:00:00.000Z", { status: "inactive" });
await product("aseo", "2026-03-10T12:00:00.000Z", { deletedAt: "2026-03-11T00:00:00.000Z" });

const portfolio = async (name: string, createdAt: string, items: string[], extra = {}) => {
  const id = uuidv7();
  await db()
    .insert(portfolios)
    .values({ id, name, createdAt, ...extra });
  await db()
    .insert(portfolioItems)
    .values(items.map((productId, position) => ({ portfolioId: id, productId, position })));
  return id;
};
const alfa = await portfolio("Alfa", "2026-03-01T12:00:00.000Z", [p1.id, p2.id, p3.id]);
const beta = await portfolio("Beta", LONG_AGO, [p1.id], { status: "inactive" });
await portfolio("Gamma", "2026-03-15T12:00:00.000Z", [p2.id], {
  deletedAt: "2026-03-15T12:00:00.000Z",
});

const medellin = {
  city: "Medellín",
  cityCode: "05001",
  department: "Antioquia",
  departmentCode: "05",
};
const bello = { ...medellin, city: "Bello", cityCode: "05088" };
const bogota = {
  city: "Bogotá, D.C.",
  cityCode: "11001",
  department: "Bogotá, D.C.",
  departmentCode: "11",
};
const store = async (
  place: typeof medellin,
  kind: "tienda" | "drogueria" | "minimercado",
  createdAt: string,
  portfolioId: string | null,
  sellers: string[],
  extra: Partial<typeof establishments.$inferInsert> = {},
) => {
  const id = uuidv7();
  await db()
    .insert(establishments)
    .values({
      id,
      name: `Tienda ${id}`,
      kind,
      address: "Calle 1",
      ...place,
      portfolioId,
      createdAt,
      ...extra,
    });
  for (const sellerId of sellers)
    await db().insert(establishmentSellers).values({ establishmentId: id, sellerId });
  return id;
};
await store(medellin, "tienda", NOW, alfa, [s1.id]);
await store(medellin, "tienda", NOW, alfa, [s1.id, s2.id]);
await store(bello, "drogueria", "2026-03-14T12:00:00.000Z", beta, []);
await store(bogota, "minimercado", LONG_AGO, null, [s2.id]);
await store(bogota, "tienda", LONG_AGO, alfa, [], { status: "inactive" });
await store(bogota, "tienda", "2026-03-13T12:00:00.000Z", alfa, [s1.id], {
  deletedAt: "2026-03-14T00:00:00.000Z",
});

const api = client(admin.headers);
const day = (
  date: string,
  products: number,
  establishments: number,
  portfolios: number,
  users: number,
) => ({
  date,
  products,
  establishments,
  portfolios,
  users,
});

describe("GET /api/v1/stats/overview", () => {
  let etag: string;

  beforeAll(() => {
    clock = new Date(NOW);
  });

  it("gives exact figures for a known data set", async () => {
    const response = await api.get("/stats/overview");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-cache");
    etag = response.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    const body = await response.json();
    expect(body).toEqual({
      generatedAt: NOW,
      users: {
        total: 7,
        byRole: [
          { role: "seller", active: 3, disabled: 1 },
          { role: "admin", active: 1, disabled: 0 },
          { role: "analyst", active: 1, disabled: 0 },
          { role: "support", active: 1, disabled: 0 },
        ],
        byStatus: [
          { status: "active", count: 6 },
          { status: "disabled", count: 1 },
        ],
      },
      products: {
        total: 4,
        byStatus: [
          { status: "active", count: 3 },
          { status: "inactive", count: 1 },
        ],
        byCategory: [
          { category: "bebidas", count: 2 },
          { category: "snacks", count: 2 },
        ],
      },
      establishments: {
        total: 5,
        byDepartment: [
          { code: "05", name: "Antioquia", count: 3 },
          { code: "11", name: "Bogotá, D.C.", count: 2 },
        ],
        byCity: [
          { code: "11001", name: "Bogotá, D.C.", departmentCode: "11", count: 2 },
          { code: "05001", name: "Medellín", departmentCode: "05", count: 2 },
          { code: "05088", name: "Bello", departmentCode: "05", count: 1 },
        ],
        byKind: [
          { kind: "tienda", count: 3 },
          { kind: "drogueria", count: 1 },
          { kind: "minimercado", count: 1 },
        ],
        byStatus: [
          { status: "active", count: 4 },
          { status: "inactive", count: 1 },
        ],
      },
      portfolios: [
        { id: alfa, name: "Alfa", status: "active", items: 3, establishments: 3 },
        { id: beta, name: "Beta", status: "inactive", items: 1, establishments: 1 },
      ],
      coverage: {
        activeEstablishments: 4,
        withPortfolio: 3,
        withoutPortfolio: 1,
        portfolioShare: 0.75,
        withoutSeller: 1,
      },
      topProducts: [
        { id: p1.id, sku: p1.sku, name: p1.name, establishments: 3 },
        { id: p2.id, sku: p2.sku, name: p2.name, establishments: 2 },
        { id: p3.id, sku: p3.sku, name: p3.name, establishments: 2 },
      ],
      sellers: {
        total: 4,
        withEstablishments: 2,
        top: [
          { id: s1.id, name: "Sara Gómez", email: s1.email, establishments: 2 },
          { id: s2.id, name: "Samuel Gómez", email: s2.email, establishments: 2 },
        ],
        byRouteSize: [
          { min: 0, max: 0, sellers: 2 },
          { min: 1, max: 10, sellers: 2 },
          { min: 11, max: 25, sellers: 0 },
          { min: 26, max: 50, sellers: 0 },
          { min: 51, max: 100, sellers: 0 },
          { min: 101, max: null, sellers: 0 },
        ],
      },
      activity: {
        timeZone: "America/Bogota",
        days: expect.any(Array),
      },
    });
    // SQLite writes the JSON (src/db/stats.ts): it is what the document says.
    expect(StatsOverviewSchema.safeParse(body).error).toBeUndefined();
    const days = (body as { activity: { days: ReturnType<typeof day>[] } }).activity.days;
    expect(days).toHaveLength(30);
    expect(days[0]!.date).toBe("2026-02-14");
    expect(days.filter((d) => d.products + d.establishments + d.portfolios + d.users > 0)).toEqual([
      day("2026-02-28", 0, 0, 0, 1),
      day("2026-03-01", 0, 0, 1, 0),
      day("2026-03-10", 1, 0, 0, 0),
      day("2026-03-13", 0, 1, 0, 0),
      day("2026-03-14", 3, 1, 0, 0),
      day("2026-03-15", 1, 2, 1, 1),
    ]);
  });

  it("answers 304 with no body to a current If-None-Match", async () => {
    const response = await api.get("/stats/overview", { "If-None-Match": etag });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    expect(response.headers.get("ETag")).toBe(etag);
  });

  it("serves the snapshot until it is refreshed, then the new figures under a new ETag", async () => {
    await createUser({ role: "support", createdAt: LONG_AGO });
    clock = new Date("2026-03-15T12:20:00.000Z");
    const stale = await api.get("/stats/overview", { "If-None-Match": etag });
    expect(stale.status).toBe(304);

    const refreshed = await api.post("/stats/overview/refresh", undefined);
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { generatedAt: string; users: { total: number } };
    expect(body.generatedAt).toBe("2026-03-15T12:20:00.000Z");
    expect(body.users.total).toBe(8);
    const newEtag = refreshed.headers.get("ETag");
    expect(newEtag).not.toBe(etag);

    const read = await api.get("/stats/overview", { "If-None-Match": etag });
    expect(read.status).toBe(200);
    expect(read.headers.get("ETag")).toBe(newEtag);
  });

  it("recomputes a snapshot older than 30 minutes before serving it", async () => {
    clock = new Date("2026-03-15T12:50:00.001Z");
    const response = await api.get("/stats/overview");
    expect(((await response.json()) as { generatedAt: string }).generatedAt).toBe(
      "2026-03-15T12:50:00.001Z",
    );
  });

  it("a second refresh within a minute gets the snapshot just made, not another computation", async () => {
    const refresh = async (at: string) => {
      clock = new Date(at);
      const response = await api.post("/stats/overview/refresh", undefined);
      expect(response.status).toBe(200);
      return ((await response.json()) as { generatedAt: string }).generatedAt;
    };
    expect(await refresh("2026-03-15T13:00:00.000Z")).toBe("2026-03-15T13:00:00.000Z");
    expect(await refresh("2026-03-15T13:00:59.999Z")).toBe("2026-03-15T13:00:00.000Z");
    expect(await refresh("2026-03-15T13:01:00.000Z")).toBe("2026-03-15T13:01:00.000Z");
  });

  it("is for admins and analysts: seller and support get 403", async () => {
    expect((await client(analyst.headers).get("/stats/overview")).status).toBe(200);
    for (const { headers } of [seller, support]) {
      await expectProblem(await client(headers).get("/stats/overview"), 403, "forbidden");
      await expectProblem(
        await client(headers).post("/stats/overview/refresh", undefined),
        403,
        "forbidden",
      );
    }
  });
});

describe("the cron", () => {
  it("refreshes the snapshot every 10 minutes (wrangler.toml [triggers])", async () => {
    await env.DB.prepare("update stats_snapshots set generated_at = ?, body = '{}'")
      .bind(LONG_AGO)
      .run();
    await worker.scheduled(
      createScheduledController({ cron: OVERVIEW_REFRESH_CRON }),
      env,
      createExecutionContext(),
    );
    const row = await env.DB.prepare("select generated_at, body from stats_snapshots").first<{
      generated_at: string;
      body: string;
    }>();
    expect(row?.generated_at).not.toBe(LONG_AGO);
    expect(JSON.parse(row!.body)).toMatchObject({
      users: { total: 8 },
      establishments: { total: 5 },
    });
  });
});
