import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Client, client, created, newEstablishment, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { expectReplicaIsScope, Replica, type SyncEntry } from "./support/sync";

/*
 * Property: over any history of route, portfolio, item and product changes, interleaved
 * with sellers syncing page by page, (1) no page ever upserts a store that is not on the
 * syncing seller's route at that moment, and (2) once a seller syncs with nothing
 * changing meanwhile, their copy is exactly their scope. fast-check generates the
 * histories from a fixed seed (reproducible; a failure prints the shrunk history).
 */

const STORES = 3;
const PORTFOLIOS = 2;
const PRODUCTS = 5;
const SELLERS = 2;

type Op =
  | { kind: "assign" | "unassign"; store: number; seller: number }
  | { kind: "carry"; store: number; portfolio: number | null }
  | { kind: "addItem" | "removeItem"; portfolio: number; product: number }
  | { kind: "editProduct" | "deleteStore" | "editStore"; index: number }
  | { kind: "page"; seller: number; limit: number }
  | { kind: "sync"; seller: number };

const index = (n: number) => fc.integer({ min: 0, max: n - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("sync"), seller: index(SELLERS) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("page"),
      seller: index(SELLERS),
      limit: fc.constantFrom(1, 2, 3, 1000),
    }),
  },
  fc.record({
    kind: fc.constantFrom("assign", "unassign"),
    store: index(STORES),
    seller: index(SELLERS),
  }),
  fc.record({
    kind: fc.constant("carry"),
    store: index(STORES),
    portfolio: fc.option(index(PORTFOLIOS), { nil: null }),
  }),
  fc.record({
    kind: fc.constantFrom("addItem", "removeItem"),
    portfolio: index(PORTFOLIOS),
    product: index(PRODUCTS),
  }),
  fc.record({ kind: fc.constant("editProduct"), index: index(PRODUCTS) }),
  fc.record({ kind: fc.constantFrom("deleteStore", "editStore"), index: index(STORES) }),
);

async function onRoute(storeId: string, sellerId: string) {
  const row = await env.DB.prepare(
    `select 1 as yes from establishment_sellers r join establishments e on e.id = r.establishment_id
     where r.establishment_id = ? and r.seller_id = ? and e.deleted_at is null`,
  )
    .bind(storeId, sellerId)
    .first();
  return row !== null;
}

interface Seller {
  id: string;
  api: Client;
  replica: Replica;
  /** Mid-sync: the last page said hasMore. */
  syncing: boolean;
}

/** One page of a seller's sync, checking that every store it upserts is on their route. */
async function page(seller: Seller, limit: number) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (seller.replica.cursor) query.set("cursor", seller.replica.cursor);
  const response = await seller.api.get(`/sync?${query}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    data: SyncEntry[];
    nextCursor: string;
    hasMore: boolean;
  };
  for (const entry of body.data) {
    if (entry.type === "establishment" && entry.op === "upsert") {
      expect(await onRoute(entry.id, seller.id), `store ${entry.id} is not on the route`).toBe(
        true,
      );
    }
  }
  seller.replica.apply(body.data);
  seller.replica.cursor = body.nextCursor;
  seller.syncing = body.hasMore;
}

/**
 * Finishes a sync in progress, then syncs once more with nothing changing meanwhile: the
 * copy must then be exactly the seller's scope.
 */
async function settle(seller: Seller) {
  while (seller.syncing) await page(seller, 1000);
  do await page(seller, 3);
  while (seller.syncing);
  await expectReplicaIsScope(seller.replica, seller.id);
}

async function world() {
  const admin = client((await actor("admin")).headers);
  const products: string[] = [];
  for (let i = 0; i < PRODUCTS; i++) {
    products.push((await created<{ id: string }>(await admin.post("/products", newProduct()))).id);
  }
  const portfolios: string[] = [];
  for (let i = 0; i < PORTFOLIOS; i++) {
    const made = await admin.post("/portfolios", {
      name: `P ${crypto.randomUUID()}`,
      items: products.slice(2 * i, 2 * i + 2).map((productId) => ({ productId })),
    });
    portfolios.push((await created<{ id: string }>(made)).id);
  }
  const stores: string[] = [];
  for (let i = 0; i < STORES; i++) {
    const made = await admin.post(
      "/establishments",
      newEstablishment({ portfolioId: portfolios[i % PORTFOLIOS] }),
    );
    stores.push((await created<{ id: string }>(made)).id);
  }
  const sellers: Seller[] = [];
  for (let i = 0; i < SELLERS; i++) {
    const seller = await actor("seller");
    sellers.push({
      id: seller.user.id,
      api: client(seller.headers),
      replica: new Replica(),
      syncing: false,
    });
  }
  return { admin, products, portfolios, stores, sellers };
}

type World = Awaited<ReturnType<typeof world>>;

/** Counted, so every edit changes something. */
let edits = 0;

/** Applies one admin change; a 404 or 409 (a deleted store, a removed item) is fine. */
async function apply(w: World, o: Op) {
  const { admin } = w;
  let response: Response | undefined;
  switch (o.kind) {
    case "assign":
      response = await admin.put(
        `/establishments/${w.stores[o.store]}/sellers/${w.sellers[o.seller]!.id}`,
        {},
      );
      break;
    case "unassign":
      response = await admin.delete(
        `/establishments/${w.stores[o.store]}/sellers/${w.sellers[o.seller]!.id}`,
      );
      break;
    case "carry":
      response = await admin.patch(`/establishments/${w.stores[o.store]}`, {
        portfolioId: o.portfolio === null ? null : w.portfolios[o.portfolio],
      });
      break;
    case "addItem":
      response = await admin.put(
        `/portfolios/${w.portfolios[o.portfolio]}/items/${w.products[o.product]}`,
        {},
      );
      break;
    case "removeItem":
      response = await admin.delete(
        `/portfolios/${w.portfolios[o.portfolio]}/items/${w.products[o.product]}`,
      );
      break;
    case "editProduct":
      response = await admin.patch(`/products/${w.products[o.index]}`, { price: ++edits });
      break;
    case "editStore":
      response = await admin.patch(`/establishments/${w.stores[o.index]}`, {
        phone: `300${String(++edits).padStart(7, "0")}`,
      });
      break;
    case "deleteStore":
      response = await admin.delete(`/establishments/${w.stores[o.index]}`);
      break;
    case "page":
      return page(w.sellers[o.seller]!, o.limit);
    case "sync":
      return settle(w.sellers[o.seller]!);
  }
  expect([200, 201, 204, 404, 409], await response.clone().text()).toContain(response.status);
}

describe("GET /api/v1/sync, property-based", () => {
  it("never shows a store off the seller's route, and converges to exactly their scope", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
        const w = await world();
        for (const o of ops) await apply(w, o);
        for (const seller of w.sellers) await settle(seller);
      }),
      {
        seed: 20261127,
        numRuns: 40,
        endOnFailure: true,
        // Always tried too: a store gained, synced, then lost.
        examples: [
          [
            [
              { kind: "assign", store: 0, seller: 0 },
              { kind: "sync", seller: 0 },
              { kind: "unassign", store: 0, seller: 0 },
            ],
          ],
        ],
      },
    );
  }, 120_000);
});
