// End to end against `npm run dev`: a seller's day without signal (the same story as
// test/offline-seller.test.ts in workerd). They sync, go offline, edit and create stores,
// come back and replay their outbox twice, while an admin edits the same store, takes
// another off the route and drops a product; the next sync brings it all.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { devServerSuite } from "./dev-server.mjs";

const tag = Date.now().toString(36);
const password = "una frase e2e bastante larga";
const emails = {
  admin: `e2e-offline-admin-${tag}@example.co`,
  seller: `e2e-offline-seller-${tag}@example.co`,
};
const { call, server } = devServerSuite(emails, password);

async function signIn(email) {
  const { status, body } = await call("POST", "/auth/login", {
    body: { email, password },
    headers: { "CF-Connecting-IP": "203.0.113.44" },
  });
  assert.equal(status, 200);
  return body;
}

/** A UUIDv7 as an app makes one offline: 48 bits of milliseconds, then random bits. */
function uuidv7() {
  const bytes = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The app's local copy, kept by following the feed. */
async function syncInto(copy, token) {
  const pages = [];
  for (;;) {
    const query = copy.cursor ? `?cursor=${copy.cursor}` : "";
    const { status, body } = await call("GET", `/sync${query}`, { token });
    assert.equal(status, 200);
    for (const entry of body.data) {
      const key = `${entry.type}:${entry.id}`;
      if (entry.op === "upsert") copy.entities.set(key, entry.data);
      else copy.entities.delete(key);
    }
    copy.cursor = body.nextCursor;
    pages.push(body.data);
    if (!body.hasMore) return pages.flat();
  }
}

const store = (i) => ({
  name: `Tienda offline ${tag} ${i}`,
  kind: "tienda",
  address: `Calle ${i} # 1-2`,
  city: "Medellín",
  department: "Antioquia",
});

test("a seller's offline day: sync, outbox replayed twice, conflict, tombstones", async () => {
  const admin = (await signIn(emails.admin)).accessToken;
  const seller = await signIn(emails.seller);
  const sellerId = seller.user.id;
  const token = seller.accessToken;
  const device = { "X-Device-Id": `e2e-${tag}`, "X-App-Version": "2.4.1" };

  const products = [];
  for (let i = 0; i < 3; i++) {
    const made = await call("POST", "/products", {
      token: admin,
      body: {
        sku: `E2E-OFF-${tag}-${i}`.toUpperCase(),
        name: `Producto ${i}`,
        category: "bebidas",
        unit: "unit",
        price: 1000 + i,
      },
    });
    assert.equal(made.status, 201);
    products.push(made.body);
  }
  const portfolio = await call("POST", "/portfolios", {
    token: admin,
    body: { name: `Offline ${tag}`, items: products.map((p) => ({ productId: p.id })) },
  });
  assert.equal(portfolio.status, 201);
  const stores = [];
  for (let i = 0; i < 3; i++) {
    const made = await call("POST", "/establishments", {
      token: admin,
      body: { ...store(i), portfolioId: portfolio.body.id },
    });
    assert.equal(made.status, 201);
    assert.equal(
      (
        await call("PUT", `/establishments/${made.body.id}/sellers/${sellerId}`, {
          token: admin,
          body: {},
        })
      ).status,
      204,
    );
    stores.push(made.body);
  }

  const copy = { cursor: undefined, entities: new Map() };
  await syncInto(copy, token);
  const held = (type, id) => copy.entities.get(`${type}:${id}`);
  for (const s of stores) assert.ok(held("establishment", s.id));
  for (const p of products) assert.ok(held("product", p.id));

  // Offline: the outbox.
  const [one, two] = [uuidv7(), uuidv7()];
  const capturedAt = new Date().toISOString();
  const outbox = [
    {
      method: "PATCH",
      path: `/api/v1/establishments/${stores[0].id}`,
      ifMatch: `"${held("establishment", stores[0].id).version}"`,
      body: { phone: "3001112233" },
      capturedAt,
    },
    { method: "PUT", path: `/api/v1/establishments/${one}`, body: store("nueva 1"), capturedAt },
    { method: "PUT", path: `/api/v1/establishments/${two}`, body: store("nueva 2"), capturedAt },
    {
      method: "PATCH",
      path: `/api/v1/establishments/${stores[1].id}`,
      ifMatch: `"${held("establishment", stores[1].id).version}"`,
      body: { address: "Carrera 7 # 12-40" },
      capturedAt,
    },
  ];

  // At the office meanwhile.
  assert.equal(
    (
      await call("PATCH", `/establishments/${stores[1].id}`, {
        token: admin,
        body: { name: `Renombrada ${tag}` },
      })
    ).status,
    200,
  );
  assert.equal(
    (await call("DELETE", `/establishments/${stores[2].id}/sellers/${sellerId}`, { token: admin }))
      .status,
    204,
  );
  assert.equal(
    (
      await call("DELETE", `/portfolios/${portfolio.body.id}/items/${products[0].id}`, {
        token: admin,
      })
    ).status,
    204,
  );

  // Back online, twice (the first answer was lost).
  for (const expected of [
    [200, 201, 201, 412],
    [200, 200, 200, 412],
  ]) {
    const { status, body } = await call("POST", "/batch", {
      token,
      headers: device,
      body: { operations: outbox },
    });
    assert.equal(status, 207);
    assert.deepEqual(
      body.results.map((r) => r.status),
      expected,
    );
    assert.equal(body.results[3].current.name, `Renombrada ${tag}`);
  }

  // The audit trail knows where the edit was made.
  const trail = await call(
    "GET",
    `/audit-events?entityId=${stores[0].id}&action=establishment.updated`,
    { token: admin },
  );
  assert.equal(trail.status, 200);
  assert.equal(trail.body.data.length, 1);

  const entries = await syncInto(copy, token);
  const ids = (type, op) =>
    entries
      .filter((e) => e.type === type && e.op === op)
      .map((e) => e.id)
      .sort();
  assert.deepEqual(ids("establishment", "delete"), [stores[2].id]);
  assert.deepEqual(ids("establishment", "upsert"), [stores[0].id, stores[1].id, one, two].sort());
  assert.deepEqual(ids("portfolioItem", "delete"), [`${portfolio.body.id}/${products[0].id}`]);
  assert.deepEqual(ids("product", "delete"), [products[0].id]);
  assert.equal(held("establishment", stores[1].id).name, `Renombrada ${tag}`);
  assert.equal(held("establishment", stores[0].id).phone, "3001112233");
  assert.deepEqual(held("establishment", one).sellerIds, [sellerId]);

  // Nothing new: the same cursor, and a 304 for the ETag held.
  const idle = await fetch(`${server().origin}/api/v1/sync?cursor=${copy.cursor}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(idle.status, 200);
  const etag = idle.headers.get("ETag");
  await idle.arrayBuffer();
  const again = await fetch(`${server().origin}/api/v1/sync?cursor=${copy.cursor}`, {
    headers: { Authorization: `Bearer ${token}`, "If-None-Match": etag },
  });
  assert.equal(again.status, 304);
});
