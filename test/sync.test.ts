import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, bearer, signIn } from "./support/auth";
import { insertProducts } from "./support/factories";
import { expectProblem } from "./support/http";
import { expectReplicaIsScope, Replica, type SyncEntry } from "./support/sync";

interface Entity {
  id: string;
  version: number;
}

const roundTrips = (response: Response) =>
  Number(/d1;desc="(\d+) round trips"/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

/** An admin, two sellers, and helpers that build a catalogue through the API. */
async function world() {
  const admin = client((await actor("admin")).headers);
  const [a, b] = [await actor("seller"), await actor("seller")];
  const product = async (overrides: Record<string, unknown> = {}) =>
    created<Entity>(await admin.post("/products", newProduct(overrides)));
  const portfolio = async (productIds: string[]) =>
    created<Entity>(
      await admin.post("/portfolios", {
        name: `Portafolio ${crypto.randomUUID()}`,
        items: productIds.map((productId) => ({ productId })),
      }),
    );
  const store = async (sellerId: string | null, portfolioId: string | null) => {
    const made = await created<Entity>(
      await admin.post("/establishments", newEstablishment(portfolioId ? { portfolioId } : {})),
    );
    if (sellerId) await assign(made.id, sellerId);
    return made;
  };
  const assign = async (storeId: string, sellerId: string) =>
    expect((await admin.put(`/establishments/${storeId}/sellers/${sellerId}`, {})).status).toBe(
      204,
    );
  const unassign = async (storeId: string, sellerId: string) =>
    expect((await admin.delete(`/establishments/${storeId}/sellers/${sellerId}`)).status).toBe(204);
  return {
    admin,
    a: client(a.headers),
    aId: a.user.id,
    aEmail: a.user.email,
    b: client(b.headers),
    bId: b.user.id,
    product,
    portfolio,
    store,
    assign,
    unassign,
  };
}

const ofType = (entries: SyncEntry[], type: SyncEntry["type"], op?: SyncEntry["op"]) =>
  entries
    .filter((e) => e.type === type && (op === undefined || e.op === op))
    .map((e) => e.id)
    .sort();
const flat = (pages: { entries: SyncEntry[] }[]) => pages.flatMap((page) => page.entries);

describe("GET /api/v1/sync — a seller's snapshot", () => {
  it("holds exactly the stores of their route, the portfolio they carry, its items and products", async () => {
    const w = await world();
    const products = [await w.product(), await w.product(), await w.product()];
    const portfolio = await w.portfolio(products.map((p) => p.id));
    await w.store(w.aId, portfolio.id);
    await w.store(w.aId, portfolio.id);
    await w.store(w.bId, portfolio.id); // B's, never A's
    await w.store(null, null);
    const replica = new Replica();
    const pages = await replica.sync(w.a);
    expect(pages).toHaveLength(1);
    await expectReplicaIsScope(replica, w.aId);
    expect(replica.ids("establishment")).toHaveLength(2);
    expect(replica.ids("product")).toEqual(products.map((p) => p.id).sort());
    const entries = flat(pages);
    expect(entries.every((e) => e.op === "upsert")).toBe(true);
    // Sections in order: portfolios, products, items, establishments.
    expect([...new Set(entries.map((e) => e.type))]).toEqual([
      "portfolio",
      "product",
      "portfolioItem",
      "establishment",
    ]);
    const item = entries.find((e) => e.type === "portfolioItem")!;
    expect(item.data).toEqual({
      portfolioId: portfolio.id,
      productId: expect.any(String),
      price: null,
      position: expect.any(Number),
      addedAt: expect.any(String),
    });
    expect(item.id).toBe(`${portfolio.id}/${item.data!.productId}`);
  });

  it("pages of 2 add up to the same copy, one D1 round trip each", async () => {
    const w = await world();
    const products = await Promise.all([1, 2, 3, 4].map(() => w.product()));
    const portfolio = await w.portfolio(products.map((p) => p.id));
    for (let i = 0; i < 3; i++) await w.store(w.aId, portfolio.id);
    const replica = new Replica();
    const pages = await replica.sync(w.a, 2);
    // 1 portfolio + 4 products + 4 items + 3 stores = 12 entries.
    expect(pages.map((p) => p.entries.length)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(pages.map((p) => roundTrips(p.response))).toEqual([1, 1, 1, 1, 1, 1]);
    await expectReplicaIsScope(replica, w.aId);
  });

  it("a seller with no stores gets an empty snapshot; support and analysts may not sync", async () => {
    const w = await world();
    const replica = new Replica();
    expect(flat(await replica.sync(w.a))).toEqual([]);
    for (const role of ["support", "analyst"] as const) {
      await expectProblem(await client((await actor(role)).headers).get("/sync"), 403, "forbidden");
    }
  });
});

describe("GET /api/v1/sync — catching up", () => {
  async function synced() {
    const w = await world();
    const products = await Promise.all([1, 2, 3].map(() => w.product()));
    const portfolio = await w.portfolio(products.map((p) => p.id));
    const stores = [await w.store(w.aId, portfolio.id), await w.store(w.aId, portfolio.id)];
    const replica = new Replica();
    await replica.sync(w.a);
    return { ...w, products, portfolio, stores, replica };
  }

  it("nothing changed: no entries, the same cursor, and 304 for the ETag of the last sync", async () => {
    const { a, admin, product, products, replica } = await synced();
    const [last] = await replica.sync(a);
    const etag = last!.response.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"/);
    await product(); // a change outside A's scope
    const cursor = replica.cursor!;
    const idle = await a.get(`/sync?cursor=${cursor}`, { "If-None-Match": etag });
    expect(idle.status).toBe(304);
    expect(await idle.text()).toBe("");
    const plain = await a.get(`/sync?cursor=${cursor}`);
    expect(plain.headers.get("ETag")).toBe(etag);
    expect(await plain.json()).toEqual({ data: [], nextCursor: cursor, hasMore: false });
    // A change in scope: the same request is answered in full.
    await admin.patch(`/products/${products[0]!.id}`, { price: 77 });
    const changed = await a.get(`/sync?cursor=${cursor}`, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });

  it("a product edit in their portfolio: that product, nothing else, in one page", async () => {
    const { a, aId, admin, products, replica } = await synced();
    const edited = await admin.patch(`/products/${products[0]!.id}`, { price: 9900 });
    expect(edited.status).toBe(200);
    const pages = await replica.sync(a);
    expect(pages).toHaveLength(1);
    expect(flat(pages).map((e) => [e.type, e.id, e.op])).toEqual([
      ["product", products[0]!.id, "upsert"],
    ]);
    expect(replica.entities.get(`product:${products[0]!.id}`)).toMatchObject({
      price: 9900,
      version: 2,
    });
    await expectReplicaIsScope(replica, aId);
  });

  it("a product dropped from the portfolio: the item and the product are tombstoned", async () => {
    const { a, aId, admin, portfolio, products, replica } = await synced();
    const dropped = products[1]!.id;
    expect((await admin.delete(`/portfolios/${portfolio.id}/items/${dropped}`)).status).toBe(204);
    const entries = flat(await replica.sync(a));
    expect(ofType(entries, "portfolioItem", "delete")).toEqual([`${portfolio.id}/${dropped}`]);
    expect(ofType(entries, "product", "delete")).toEqual([dropped]);
    // The portfolio's item count changed: its new state too.
    expect(ofType(entries, "portfolio", "upsert")).toEqual([portfolio.id]);
    await expectReplicaIsScope(replica, aId);
  });

  it("a store taken off the route is tombstoned; its portfolio stays while another store carries it", async () => {
    const { a, aId, unassign, stores, replica } = await synced();
    await unassign(stores[0]!.id, aId);
    const entries = flat(await replica.sync(a));
    expect(entries.map((e) => [e.type, e.id, e.op])).toEqual([
      ["establishment", stores[0]!.id, "delete"],
    ]);
    await unassign(stores[1]!.id, aId);
    const last = flat(await replica.sync(a));
    expect(ofType(last, "establishment", "delete")).toEqual([stores[1]!.id]);
    expect(ofType(last, "portfolio", "delete")).toHaveLength(1);
    expect(ofType(last, "product", "delete")).toHaveLength(3);
    expect(ofType(last, "portfolioItem", "delete")).toHaveLength(3);
    expect(replica.entities.size).toBe(0);
    await expectReplicaIsScope(replica, aId);
  });

  it("a store deleted by an admin is tombstoned", async () => {
    const { a, aId, admin, stores, replica } = await synced();
    expect((await admin.delete(`/establishments/${stores[0]!.id}`)).status).toBe(204);
    const entries = flat(await replica.sync(a));
    expect(entries.map((e) => [e.type, e.id, e.op])).toEqual([
      ["establishment", stores[0]!.id, "delete"],
    ]);
    await expectReplicaIsScope(replica, aId);
  });

  it("a store moved to another portfolio: the new portfolio arrives whole, the old one leaves", async () => {
    const { a, aId, admin, product, portfolio, stores, replica } = await synced();
    const fresh = [await product(), await product()];
    const other = await created<Entity>(
      await admin.post("/portfolios", {
        name: `Otro ${crypto.randomUUID()}`,
        items: fresh.map((p) => ({ productId: p.id })),
      }),
    );
    for (const store of stores) {
      expect(
        (await admin.patch(`/establishments/${store.id}`, { portfolioId: other.id })).status,
      ).toBe(200);
    }
    const entries = flat(await replica.sync(a));
    expect(ofType(entries, "portfolio", "upsert")).toEqual([other.id]);
    expect(ofType(entries, "portfolio", "delete")).toEqual([portfolio.id]);
    expect(ofType(entries, "product", "upsert")).toEqual(fresh.map((p) => p.id).sort());
    expect(ofType(entries, "product", "delete")).toHaveLength(3);
    expect(ofType(entries, "establishment", "upsert")).toEqual(stores.map((s) => s.id).sort());
    await expectReplicaIsScope(replica, aId);
  });

  it("a newly assigned store with the portfolio they already hold brings only the store", async () => {
    const { a, aId, store, portfolio, replica } = await synced();
    const third = await store(aId, portfolio.id);
    const entries = flat(await replica.sync(a));
    expect(entries.map((e) => [e.type, e.id, e.op])).toEqual([
      ["establishment", third.id, "upsert"],
    ]);
    await expectReplicaIsScope(replica, aId);
  });

  it("another seller's store never appears, even when it shares the portfolio", async () => {
    const { a, aId, b, bId, store, portfolio, replica } = await synced();
    const theirs = await store(bId, portfolio.id);
    expect(flat(await replica.sync(a))).toEqual([]);
    expect((await b.patch(`/establishments/${theirs.id}`, { phone: "3001234567" })).status).toBe(
      200,
    );
    expect(flat(await replica.sync(a))).toEqual([]);
    await expectReplicaIsScope(replica, aId);
  });
});

describe("GET /api/v1/sync — bounded cost", () => {
  it("25 stores and a 2,000-item portfolio: 5 pages from zero, one round trip each; a day of edits in one page", async () => {
    const w = await world();
    const products = await insertProducts(2000);
    const portfolio = await w.portfolio(products.map((p) => p.id));
    const stores: Entity[] = [];
    for (let i = 0; i < 25; i++) stores.push(await w.store(w.aId, portfolio.id));
    const replica = new Replica();
    const fromZero = await replica.sync(w.a);
    // 1 portfolio + 2,000 products + 2,000 items + 25 stores = 4,026 entries, 1,000 a page.
    expect(fromZero.map((p) => p.entries.length)).toEqual([1000, 1000, 1000, 1000, 26]);
    expect(fromZero.map((p) => roundTrips(p.response))).toEqual([1, 1, 1, 1, 1]);
    await expectReplicaIsScope(replica, w.aId);

    for (const [i, p] of products.slice(0, 40).entries())
      expect((await w.admin.patch(`/products/${p.id}`, { price: 100 + i })).status).toBe(200);
    for (const p of products.slice(40, 45))
      expect(
        (await w.admin.put(`/portfolios/${portfolio.id}/items/${p.id}`, { price: 7 })).status,
      ).toBe(200);
    for (const p of products.slice(45, 47))
      expect((await w.admin.delete(`/portfolios/${portfolio.id}/items/${p.id}`)).status).toBe(204);
    for (const store of stores.slice(0, 5))
      expect((await w.a.patch(`/establishments/${store.id}`, { phone: "3005551234" })).status).toBe(
        200,
      );
    await w.unassign(stores[24]!.id, w.aId);
    const catchUp = await replica.sync(w.a);
    expect(catchUp).toHaveLength(1);
    // Products: 40 edited, 2 dropped, 5 re-sent with their changed item; items: 5 + 2; the
    // portfolio (its item count); stores: 5 edited, 1 taken off the route.
    expect(catchUp[0]!.entries).toHaveLength(61);
    await expectReplicaIsScope(replica, w.aId);
  }, 60_000);
});

describe("GET /api/v1/sync — cursors", () => {
  it("a tampered cursor, or another user's, is a 400 at query.cursor", async () => {
    const w = await world();
    const replica = new Replica();
    await replica.sync(w.a);
    const [payload, mac] = replica.cursor!.split(".");
    const forged = `${payload}x.${mac}`;
    for (const cursor of [forged, "abc", `${payload}.${"0".repeat(32)}`]) {
      const problem = await expectProblem(
        await w.a.get(`/sync?cursor=${encodeURIComponent(cursor)}`),
        400,
        "validation-error",
      );
      expect((problem.errors as { path: string }[])[0]!.path).toBe("query.cursor");
    }
    await expectProblem(await w.b.get(`/sync?cursor=${replica.cursor}`), 400, "validation-error");
  });

  it("a role change is a new scope: the old cursor answers 410", async () => {
    const w = await world();
    const replica = new Replica();
    await replica.sync(w.a);
    expect((await w.admin.patch(`/users/${w.aId}`, { role: "admin" })).status).toBe(200);
    const promoted = client(bearer((await signIn(w.aEmail)).accessToken));
    await expectProblem(
      await promoted.get(`/sync?cursor=${replica.cursor}`),
      410,
      "sync-cursor-expired",
    );
  });

  it("limit is 1..1000", async () => {
    const { a } = await world();
    await expectProblem(await a.get("/sync?limit=0"), 400, "validation-error");
    await expectProblem(await a.get("/sync?limit=1001"), 400, "validation-error");
  });

  it("a cursor older than the compacted log is 410 Gone; a snapshot still works", async () => {
    const w = await world();
    const p = await w.product();
    await w.store(w.aId, (await w.portfolio([p.id])).id);
    const replica = new Replica();
    await replica.sync(w.a);
    await w.admin.patch(`/products/${p.id}`, { price: 1 });
    const head = await env.DB.prepare("select max(seq) as seq from changes").first<{
      seq: number;
    }>();
    await env.DB.prepare("update change_log_state set compacted_through = ? where id = 1")
      .bind(head!.seq)
      .run();
    await expectProblem(
      await w.a.get(`/sync?cursor=${replica.cursor}`),
      410,
      "sync-cursor-expired",
    );
    const fresh = new Replica();
    await fresh.sync(w.a);
    await expectReplicaIsScope(fresh, w.aId);
  });
});

describe("GET /api/v1/sync — an admin's feed", () => {
  it("everything, and after the cursor each change once: state or tombstone", async () => {
    const w = await world();
    const replica = new Replica();
    await replica.sync(w.admin);
    const kept = await w.product();
    const gone = await w.product();
    expect((await w.admin.delete(`/products/${gone.id}`)).status).toBe(204);
    const store = await w.store(null, null);
    const entries = flat(await replica.sync(w.admin));
    expect(entries.map((e) => [e.type, e.id, e.op])).toEqual(
      [
        ["product", kept.id, "upsert"],
        ["product", gone.id, "delete"],
      ]
        .sort((x, y) => x[1]!.localeCompare(y[1]!))
        .concat([["establishment", store.id, "upsert"]]),
    );
  });
});

describe("the change log", () => {
  const logOf = async (entityId: string) =>
    (
      await env.DB.prepare(
        "select entity_type as type, op, version, portfolio_id as portfolioId, seller_id as sellerId from changes where entity_id = ? order by seq",
      )
        .bind(entityId)
        .all()
    ).results;

  it("one row per change, none for a write that changes nothing or fails", async () => {
    const w = await world();
    const p = await w.product();
    await w.admin.patch(`/products/${p.id}`, { price: 123 });
    await w.admin.patch(`/products/${p.id}`, { price: 123 }); // the same: no change
    await w.admin.patch(`/products/${p.id}`, { price: 124 }, { "If-Match": '"1"' }); // stale: 412
    expect(await logOf(p.id)).toEqual([
      { type: "product", op: "upsert", version: 1, portfolioId: null, sellerId: null },
      { type: "product", op: "upsert", version: 2, portfolioId: null, sellerId: null },
    ]);
  });

  it("items, routes and deletes name what they changed", async () => {
    const w = await world();
    const p = await w.product();
    const q = await w.portfolio([]);
    expect((await w.admin.put(`/portfolios/${q.id}/items/${p.id}`, {})).status).toBe(201);
    expect((await w.admin.delete(`/portfolios/${q.id}/items/${p.id}`)).status).toBe(204);
    const store = await w.store(w.aId, q.id);
    await w.unassign(store.id, w.aId);
    expect((await w.admin.delete(`/establishments/${store.id}`)).status).toBe(204);
    expect(await logOf(p.id)).toEqual([
      { type: "product", op: "upsert", version: 1, portfolioId: null, sellerId: null },
      { type: "portfolio_item", op: "upsert", version: 2, portfolioId: q.id, sellerId: null },
      { type: "portfolio_item", op: "delete", version: 3, portfolioId: q.id, sellerId: null },
    ]);
    expect(await logOf(store.id)).toEqual([
      { type: "establishment", op: "upsert", version: 1, portfolioId: null, sellerId: null },
      { type: "establishment", op: "upsert", version: 2, portfolioId: null, sellerId: w.aId },
      { type: "establishment", op: "upsert", version: 3, portfolioId: null, sellerId: w.aId },
      { type: "establishment", op: "delete", version: 4, portfolioId: null, sellerId: null },
    ]);
  });

  it("a new portfolio logs each item it starts with", async () => {
    const w = await world();
    const ps = [await w.product(), await w.product()];
    const q = await w.portfolio(ps.map((p) => p.id));
    const rows = (
      await env.DB.prepare(
        "select entity_id as id from changes where portfolio_id = ? and entity_type = 'portfolio_item' order by entity_id",
      )
        .bind(q.id)
        .all<{ id: string }>()
    ).results;
    expect(rows.map((r) => r.id)).toEqual(ps.map((p) => p.id).sort());
  });
});
