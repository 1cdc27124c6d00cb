import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, createUser, refresh } from "./support/auth";
import { call, jsonBody } from "./support/http";

/**
 * D1 round trips per endpoint, read from the Server-Timing header that the D1 session
 * middleware writes from its counting wrapper. Every authenticated request checks its
 * session and the caller's role on the primary, but in its first round trip (the session
 * guard rides at the head of that batch), so it costs none of its own.
 * Reads: one. Writes: one atomic batch (a PATCH reads the row inside it), after at most
 * one read for the checks a handler makes itself (a seller's scope, a portfolio's items).
 */
let priceChanges = 0;
const roundTrips = (response: Response) => {
  const match = /d1;desc="(\d+) round trips"/.exec(response.headers.get("Server-Timing") ?? "");
  if (!match) throw new Error("no Server-Timing d1 entry");
  return Number(match[1]);
};

describe("D1 round trips per request", async () => {
  const adminActor = await actor("admin");
  const sellerActor = await actor("seller");
  const refreshing = await actor("seller");
  const resettable = await createUser();
  const admin = client(adminActor.headers);
  const seller = client(sellerActor.headers);
  const product = await created<{ id: string }>(await admin.post("/products", newProduct()));
  const other = await created<{ id: string }>(await admin.post("/products", newProduct()));
  const portfolio = await created<{ id: string }>(
    await admin.post("/portfolios", {
      name: `RT ${crypto.randomUUID()}`,
      items: [{ productId: product.id }],
    }),
  );
  const store = await created<{ id: string }>(
    await admin.post("/establishments", newEstablishment({ portfolioId: portfolio.id })),
  );
  await admin.put(`/establishments/${store.id}/sellers/${sellerActor.user.id}`, {});
  // Rows an offline client made with PUT at its own ids, for the PUTs that replace them.
  const putProduct = { id: uuidv7(), body: newProduct() };
  await created(await admin.put(`/products/${putProduct.id}`, putProduct.body));
  const putStore = { id: uuidv7(), body: newEstablishment() };
  await created(await seller.put(`/establishments/${putStore.id}`, putStore.body));
  const putPortfolio = { id: uuidv7(), name: `RT ${crypto.randomUUID()}` };
  await created(
    await admin.put(`/portfolios/${putPortfolio.id}`, {
      name: putPortfolio.name,
      items: [{ productId: product.id }],
    }),
  );
  // The overview serves a stored snapshot: made here, so the GET below only reads it.
  await admin.post("/stats/overview/refresh", undefined);

  const cases: [string, () => Promise<Response>, number][] = [
    ["GET /products", () => admin.get("/products"), 1],
    ["GET /products/{id}", () => admin.get(`/products/${product.id}`), 1],
    ["POST /products", () => admin.post("/products", newProduct()), 1],
    [
      "POST /products with Idempotency-Key",
      () => admin.post("/products", newProduct(), { "Idempotency-Key": crypto.randomUUID() }),
      1,
    ],
    [
      "PATCH /products/{id}",
      // A price it never had, so the PATCH always writes.
      () => {
        priceChanges += 1;
        return admin.patch(`/products/${other.id}`, { price: 1_000_000 + priceChanges });
      },
      1,
    ],
    ["GET /establishments (seller)", () => seller.get("/establishments"), 1],
    ["GET /establishments/{id}", () => seller.get(`/establishments/${store.id}`), 1],
    // The place is checked against DIVIPOLA, read once per isolate (src/db/places.ts).
    ["POST /establishments", () => seller.post("/establishments", newEstablishment()), 1],
    [
      "POST /establishments with portfolio",
      () => admin.post("/establishments", newEstablishment({ portfolioId: portfolio.id })),
      2,
    ],
    [
      "PATCH /establishments/{id}",
      () =>
        seller.patch(`/establishments/${store.id}`, { address: `Calle ${crypto.randomUUID()}` }),
      2,
    ],
    [
      "GET /establishments/{id}/sellers",
      () => seller.get(`/establishments/${store.id}/sellers`),
      1,
    ],
    [
      "GET /establishments/{id}/portfolio",
      () => seller.get(`/establishments/${store.id}/portfolio`),
      1,
    ],
    ["GET /portfolios", () => admin.get("/portfolios"), 1],
    ["GET /portfolios/{id}", () => admin.get(`/portfolios/${portfolio.id}`), 1],
    ["GET /portfolios/{id}/items", () => admin.get(`/portfolios/${portfolio.id}/items`), 1],
    [
      "POST /portfolios with items",
      () =>
        admin.post("/portfolios", {
          name: `RT ${crypto.randomUUID()}`,
          items: [{ productId: other.id }],
        }),
      2,
    ],
    [
      "PUT /portfolios/{id}/items/{productId}",
      () => admin.put(`/portfolios/${portfolio.id}/items/${other.id}`, {}),
      2,
    ],
    // PUT: one read of what is at the id (and the handler's own checks), then one batch;
    // a replace that changes something reads the row again inside that batch.
    ["PUT /products/{id} (create)", () => admin.put(`/products/${uuidv7()}`, newProduct()), 2],
    [
      "PUT /products/{id} (replace)",
      () => {
        priceChanges += 1;
        return admin.put(`/products/${putProduct.id}`, {
          ...putProduct.body,
          price: 2_000_000 + priceChanges,
        });
      },
      2,
    ],
    [
      "PUT /establishments/{id} (seller, create)",
      () => seller.put(`/establishments/${uuidv7()}`, newEstablishment()),
      2,
    ],
    [
      "PUT /establishments/{id} (seller, replace)",
      () =>
        seller.put(`/establishments/${putStore.id}`, {
          ...putStore.body,
          address: `Calle ${crypto.randomUUID()}`,
        }),
      2,
    ],
    [
      "PUT /portfolios/{id} with items (create)",
      () =>
        admin.put(`/portfolios/${uuidv7()}`, {
          name: `RT ${crypto.randomUUID()}`,
          items: [{ productId: other.id }],
        }),
      2,
    ],
    [
      "PUT /portfolios/{id} with other items (replace)",
      () =>
        admin.put(`/portfolios/${putPortfolio.id}`, {
          name: putPortfolio.name,
          items: [{ productId: other.id }],
        }),
      2,
    ],
    ["GET /users", () => admin.get("/users"), 1],
    ["GET /audit-events", () => admin.get(`/audit-events?entityId=${product.id}`), 1],
    // The account, its limits, last sign-in, failures and sessions: one batch.
    [
      "GET /users/{id}/sign-in-status",
      () => admin.get(`/users/${sellerActor.user.id}/sign-in-status`),
      1,
    ],
    // The account (404/403), then the reset, its audit row and the sessions it ends.
    [
      "POST /users/{id}/password-reset",
      () => admin.post(`/users/${resettable.id}/password-reset`, {}),
      2,
    ],
    ["GET /auth/me", () => admin.get("/auth/me"), 1],
    // One row, the snapshot, whatever the size of the data (src/db/stats.ts).
    ["GET /stats/overview", () => admin.get("/stats/overview"), 1],
    // Within a minute of the last snapshot it is served as it is (computing one: 2).
    [
      "POST /stats/overview/refresh (again within a minute)",
      () => admin.post("/stats/overview/refresh", undefined),
      1,
    ],
    // The log's head and every section of the page in one batch, whatever the page size.
    ["GET /sync (seller snapshot)", () => seller.get("/sync"), 1],
    ["GET /sync (admin snapshot page)", () => admin.get("/sync?limit=5"), 1],
    // The compare-and-swap and the user for the new access token, in one batch.
    ["POST /auth/refresh", () => refresh(refreshing.tokens.refreshToken), 1],
  ];

  for (const [name, request, expected] of cases) {
    it(`${name}: ${expected}`, async () => {
      const response = await request();
      expect(response.status).toBeLessThan(300);
      expect(roundTrips(response)).toBe(expected);
    });
  }
});

describe("POST /batch: the round trips of its operations, sent one by one", async () => {
  const { headers } = await actor("admin");
  const admin = client(headers);
  interface Operation {
    method: string;
    path: string;
    body?: unknown;
    idempotencyKey?: string;
  }
  /** An outbox on rows of its own: a create, changes, a delete. */
  const outbox = async (): Promise<Operation[]> => {
    const product = await created<{ id: string }>(await admin.post("/products", newProduct()));
    const store = await created<{ id: string }>(
      await admin.post("/establishments", newEstablishment()),
    );
    return [
      {
        method: "POST",
        path: "/products",
        body: newProduct(),
        idempotencyKey: crypto.randomUUID(),
      },
      { method: "PATCH", path: `/products/${product.id}`, body: { price: 4321 } },
      { method: "POST", path: "/establishments", body: newEstablishment() },
      { method: "PATCH", path: `/establishments/${store.id}`, body: { address: "Calle 9 # 8-7" } },
      { method: "DELETE", path: `/products/${product.id}` },
    ];
  };
  const direct = ({ method, path, body, idempotencyKey }: Operation) =>
    call(`/api/v1${path}`, {
      method,
      headers: {
        ...headers,
        ...(idempotencyKey && { "Idempotency-Key": idempotencyKey }),
        ...(body !== undefined && { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const batch = (operations: Operation[]) =>
    call(
      "/api/v1/batch",
      jsonBody(
        { operations: operations.map((op) => ({ ...op, path: `/api/v1${op.path}` })) },
        { headers },
      ),
    );
  const statuses = async (response: Response) =>
    ((await response.json()) as { results: { status: number }[] }).results.map((r) => r.status);

  it("5 operations: the sum of the 5 requests made directly (7), and none of its own", async () => {
    let sum = 0;
    for (const operation of await outbox()) {
      const response = await direct(operation);
      expect(response.status).toBeLessThan(300);
      sum += roundTrips(response);
    }
    const response = await batch(await outbox());
    expect(await statuses(response)).toEqual([201, 200, 201, 200, 204]);
    expect(roundTrips(response)).toBe(sum);
    // 1 + 1 + 1 + 2 (a PATCH of a store reads it first) + 2 (a DELETE reads the row first).
    expect(sum).toBe(7);
  });

  it("a first operation with no route: one more, the batch's own session check", async () => {
    const operations = await outbox();
    const response = await batch([{ method: "POST", path: "/nowhere" }, ...operations]);
    expect(await statuses(response)).toEqual([404, 201, 200, 201, 200, 204]);
    // The 404 itself costs none: it is answered before authentication.
    expect(roundTrips(response)).toBe(7 + 1);
  });
});
