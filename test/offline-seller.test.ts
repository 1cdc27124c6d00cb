import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { expectReplicaIsScope, Replica } from "./support/sync";

/*
 * A seller's day without signal, end to end through the real runtime (the same story runs
 * against `npm run dev` in test/e2e/offline.test.mjs): sync, go offline, edit and create
 * stores, come back and replay the outbox — twice — while an admin edits the same store,
 * takes another off the route and drops a product; then sync again.
 */

interface Store {
  id: string;
  version: number;
  address: string;
  phone: string | null;
  name: string;
}

interface BatchResult {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
  current?: Record<string, unknown> | null;
}

const count = async (query: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(query)
      .bind(...params)
      .first<{ n: number }>()
  )?.n;

describe("a seller's offline day", () => {
  it("syncs, works offline, replays the outbox twice without duplicates, gets the conflict and the tombstones", async () => {
    const admin = client((await actor("admin")).headers);
    const sellerActor = await actor("seller");
    const sellerId = sellerActor.user.id;
    const device = { "X-Device-Id": "android-7f3a", "X-App-Version": "2.4.1" };
    const seller = client({ ...sellerActor.headers, ...device });

    // The morning: a portfolio of three products, three stores on the route.
    const products = [];
    for (let i = 0; i < 3; i++)
      products.push(await created<{ id: string }>(await admin.post("/products", newProduct())));
    const portfolio = await created<{ id: string }>(
      await admin.post("/portfolios", {
        name: `Ruta ${crypto.randomUUID()}`,
        items: products.map((p) => ({ productId: p.id })),
      }),
    );
    const stores: Store[] = [];
    for (let i = 0; i < 3; i++) {
      const store = await created<Store>(
        await admin.post("/establishments", newEstablishment({ portfolioId: portfolio.id })),
      );
      await admin.put(`/establishments/${store.id}/sellers/${sellerId}`, {});
      stores.push(store);
    }
    const replica = new Replica();
    await replica.sync(seller);
    await expectReplicaIsScope(replica, sellerId);
    const held = (id: string) => replica.entities.get(`establishment:${id}`) as unknown as Store;

    // Offline: the app records its changes, with the device's clock, in an outbox.
    const [one, two] = [uuidv7(), uuidv7()];
    const renamedAt = held(stores[1]!.id).version + 1;
    const capturedAt = new Date().toISOString();
    const outbox = [
      {
        method: "PATCH",
        path: `/api/v1/establishments/${stores[0]!.id}`,
        ifMatch: `"${held(stores[0]!.id).version}"`,
        body: { phone: "3001112233" },
        capturedAt,
      },
      {
        method: "PUT",
        path: `/api/v1/establishments/${one}`,
        body: newEstablishment({ name: "Tienda nueva uno" }),
        capturedAt,
      },
      {
        method: "PUT",
        path: `/api/v1/establishments/${two}`,
        body: newEstablishment({ name: "Tienda nueva dos" }),
        capturedAt,
      },
      {
        method: "PATCH",
        path: `/api/v1/establishments/${two}`,
        body: { phone: "3004445566" },
        capturedAt,
      },
      {
        method: "PATCH",
        path: `/api/v1/establishments/${stores[1]!.id}`,
        ifMatch: `"${held(stores[1]!.id).version}"`,
        body: { address: "Carrera 7 # 12-40" },
        capturedAt,
      },
    ];

    // Meanwhile at the office: the same store edited, another taken off the route, a
    // product dropped from the portfolio.
    expect(
      (await admin.patch(`/establishments/${stores[1]!.id}`, { name: "Renombrada" })).status,
    ).toBe(200);
    expect(
      (await admin.delete(`/establishments/${stores[2]!.id}/sellers/${sellerId}`)).status,
    ).toBe(204);
    expect(
      (await admin.delete(`/portfolios/${portfolio.id}/items/${products[0]!.id}`)).status,
    ).toBe(204);

    // Back online: the outbox, in one request.
    const replay = async () => {
      const response = await seller.post("/batch", { operations: outbox });
      expect(response.status).toBe(207);
      return ((await response.json()) as { results: BatchResult[] }).results;
    };
    const first = await replay();
    expect(first.map((r) => r.status)).toEqual([200, 201, 201, 200, 412]);
    expect(first[1]!.headers.Location).toBe(`/api/v1/establishments/${one}`);
    expect(first[3]!.body).toMatchObject({ id: two, phone: "3004445566" });
    // The conflict carries the server's copy: the admin's name, not the seller's address.
    expect(first[4]!.body).toMatchObject({ status: 412, currentVersion: renamedAt });
    expect(first[4]!.current).toMatchObject({
      id: stores[1]!.id,
      name: "Renombrada",
      version: renamedAt,
    });

    // The answer was lost (no signal): the app sends the same outbox again.
    const second = await replay();
    expect(second.map((r) => r.status)).toEqual([200, 200, 200, 200, 412]);
    expect(
      await count("select count(*) as n from establishments where id in (?, ?)", one, two),
    ).toBe(2);
    expect(
      await count(
        "select count(*) as n from audit_events where action = 'establishment.created' and entity_id in (?, ?)",
        one,
        two,
      ),
    ).toBe(2);
    // Each change once in the trail, with where it was made.
    expect(
      await count(
        "select count(*) as n from audit_events where entity_id = ? and action = 'establishment.updated' and device_id = 'android-7f3a' and app_version = '2.4.1' and captured_at = ?",
        stores[0]!.id,
        capturedAt,
      ),
    ).toBe(1);

    // The next sync brings everything the office did, and the seller's own new stores.
    const entries = (await replica.sync(seller)).flatMap((page) => page.entries);
    const ids = (type: string, op: string) =>
      entries
        .filter((e) => e.type === type && e.op === op)
        .map((e) => e.id)
        .sort();
    expect(ids("establishment", "delete")).toEqual([stores[2]!.id]);
    expect(ids("establishment", "upsert")).toEqual([stores[0]!.id, stores[1]!.id, one, two].sort());
    expect(ids("portfolioItem", "delete")).toEqual([`${portfolio.id}/${products[0]!.id}`]);
    expect(ids("product", "delete")).toEqual([products[0]!.id]);
    expect(held(stores[1]!.id)).toMatchObject({ name: "Renombrada" });
    expect(held(two)).toMatchObject({ phone: "3004445566", sellerIds: [sellerId] });
    await expectReplicaIsScope(replica, sellerId);
  });
});
