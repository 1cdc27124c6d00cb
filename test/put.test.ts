import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";
import { client, created, newProduct, validGtin } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";
import { auditOf, changesOf } from "./support/records";

/**
 * PUT at an id the client made (an offline app's UUIDv7): the create-or-replace rules,
 * shown on products; establishments and portfolios add their own (put-*.test.ts).
 */

interface Product {
  id: string;
  sku: string;
  version: number;
  [field: string]: unknown;
}

const admin = client((await actor("admin")).headers);
const path = (id: string) => `/products/${id}`;
const read = async (id: string) => (await (await admin.get(path(id))).json()) as Product;

describe("PUT /api/v1/products/{id} at a free id", () => {
  it("creates as POST does: 201, Location and ETag, the body GET returns; the id stored lower-cased", async () => {
    const id = uuidv7();
    const response = await admin.put(path(id.toUpperCase()), newProduct({ brand: "Postobón" }));
    expect(response.status).toBe(201);
    expect(response.headers.get("Location")).toBe(`/api/v1/products/${id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    const product = (await response.json()) as Product;
    expect(product).toMatchObject({ id, version: 1, brand: "Postobón", description: null });
    expect(await read(id)).toEqual(product);
    // The same resource a POST makes, field for field.
    const posted = await created<Product>(await admin.post("/products", newProduct()));
    expect(Object.keys(product).sort()).toEqual(Object.keys(posted).sort());
    expect(await auditOf(id)).toEqual([
      { action: "product.created", changes: expect.objectContaining({ sku: expect.any(Object) }) },
    ]);
    expect(await changesOf(id)).toEqual([
      expect.objectContaining({ entityType: "product", op: "upsert", version: 1 }),
    ]);
  });

  it("takes only a UUIDv7 as the id (400 at path.id)", async () => {
    const v4 = crypto.randomUUID();
    const v7 = uuidv7();
    const wrongVariant = `${v7.slice(0, 19)}c${v7.slice(20)}`;
    for (const id of [
      "not-an-id",
      v4,
      wrongVariant,
      `${v7}0`,
      "00000000-0000-0000-0000-000000000000",
    ]) {
      const problem = await expectProblem(
        await admin.put(path(id), newProduct()),
        400,
        "validation-error",
      );
      expect(problem.errors, id).toEqual([
        { path: "path.id", message: expect.stringContaining("must be a UUIDv7") },
      ]);
    }
  });

  it("takes the body POST takes: strict, with the same required fields", async () => {
    const unknown = await expectProblem(
      await admin.put(path(uuidv7()), newProduct({ stock: 3 })),
      400,
      "validation-error",
    );
    expect(unknown.errors).toEqual([{ path: "/stock", message: "stock is not a known field" }]);
    const { price: _price, ...noPrice } = newProduct();
    const missing = await expectProblem(
      await admin.put(path(uuidv7()), noPrice),
      400,
      "validation-error",
    );
    expect(missing.errors).toEqual([{ path: "/price", message: "price is required" }]);
  });

  it("If-Match finds nothing to match: 412, nothing created", async () => {
    const id = uuidv7();
    const problem = await expectProblem(
      await admin.put(path(id), newProduct(), { "If-Match": '"1"' }),
      412,
      "precondition-failed",
    );
    expect(problem).not.toHaveProperty("currentVersion");
    await expectProblem(await admin.get(path(id)), 404, "not-found");
  });

  it("a sku or gtin another product has: 409 naming the field, nothing created", async () => {
    const gtin = validGtin();
    const taken = await created<Product>(await admin.post("/products", newProduct({ gtin })));
    const id = uuidv7();
    const sku = await expectProblem(
      await admin.put(path(id), newProduct({ sku: taken.sku })),
      409,
      "conflict",
    );
    expect(sku.errors).toEqual([{ path: "/sku", message: "sku is already taken" }]);
    const byGtin = await expectProblem(
      await admin.put(path(id), newProduct({ gtin })),
      409,
      "conflict",
    );
    expect(byGtin.errors).toEqual([{ path: "/gtin", message: "gtin is already taken" }]);
    expect(await changesOf(id)).toEqual([]);
  });
});

describe("PUT /api/v1/products/{id} at a product's id", () => {
  it("replaces it whole: 200 with the body GET returns; a field left out takes its default", async () => {
    const id = uuidv7();
    const required = newProduct();
    const optional = { description: "Lata", currency: "USD", status: "inactive" };
    await created(await admin.put(path(id), { ...required, ...optional }));
    const response = await admin.put(path(id), { ...required, price: 2700 });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    const product = (await response.json()) as Product;
    expect(product).toMatchObject({
      price: 2700,
      description: null,
      currency: "COP",
      status: "active",
      version: 2,
    });
    expect(await read(id)).toEqual(product);
    const [, updated] = await auditOf(id);
    expect(updated).toEqual({
      action: "product.updated",
      changes: {
        price: { before: 2500, after: 2700 },
        description: { before: "Lata", after: null },
        currency: { before: "USD", after: "COP" },
        status: { before: "inactive", after: "active" },
      },
    });
    expect((await changesOf(id)).map((row) => [row.op, row.version])).toEqual([
      ["upsert", 1],
      ["upsert", 2],
    ]);
  });

  it("with the values it has: 200 at the same version, no audit row, no change-log row", async () => {
    const id = uuidv7();
    const body = newProduct();
    const first = await created<Product>(await admin.put(path(id), body));
    const again = await admin.put(path(id), body);
    expect(again.status).toBe(200);
    expect(again.headers.get("ETag")).toBe('"1"');
    expect(await again.json()).toEqual(first);
    expect((await auditOf(id)).map((row) => row.action)).toEqual(["product.created"]);
    expect(await changesOf(id)).toHaveLength(1);
  });

  it("If-Match: a stale version is 412 with currentVersion; the current one replaces", async () => {
    const id = uuidv7();
    const body = newProduct();
    await created(await admin.put(path(id), body));
    const stale = await expectProblem(
      await admin.put(path(id), { ...body, price: 1 }, { "If-Match": '"7"' }),
      412,
      "precondition-failed",
    );
    expect(stale).toMatchObject({ currentVersion: 1 });
    const current = await admin.put(path(id), { ...body, price: 1 }, { "If-Match": '"1"' });
    expect(current.status).toBe(200);
    expect(current.headers.get("ETag")).toBe('"2"');
  });

  it("If-None-Match: * creates only: 412 with currentVersion and ETag, nothing written", async () => {
    const id = uuidv7();
    const body = newProduct();
    expect((await admin.put(path(id), body, { "If-None-Match": "*" })).status).toBe(201);
    const response = await admin.put(path(id), { ...body, price: 1 }, { "If-None-Match": "*" });
    const problem = await expectProblem(response, 412, "precondition-failed");
    expect(problem).toMatchObject({ currentVersion: 1 });
    expect(response.headers.get("ETag")).toBe('"1"');
    expect((await read(id)).price).toBe(body.price);
    const other = await expectProblem(
      await admin.put(path(id), body, { "If-None-Match": '"1"' }),
      400,
      "validation-error",
    );
    expect(other.errors).toEqual([
      { path: "header.if-none-match", message: "if-none-match must be *" },
    ]);
  });

  it("the id of a deleted product: 409, ids are never reused (English and Spanish)", async () => {
    const id = uuidv7();
    const body = newProduct();
    await created(await admin.put(path(id), body));
    expect((await admin.delete(path(id))).status).toBe(204);
    const english = await expectProblem(await admin.put(path(id), body), 409, "conflict");
    expect(english.detail).toBe("This id belonged to a deleted product; ids are never reused");
    const spanish = await expectProblem(
      await admin.put(path(id), body, { "Accept-Language": "es-CO" }),
      409,
      "conflict",
    );
    expect(spanish.detail).toBe(
      "El producto con este id fue eliminado; los ids nunca se reutilizan",
    );
    await expectProblem(await admin.get(path(id)), 404, "not-found");
  });
});

describe("retries and races", () => {
  it("Idempotency-Key: the same PUT again replays its 201 and creates nothing twice; another body → 422", async () => {
    const id = uuidv7();
    const body = newProduct();
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const first = await admin.put(path(id), body, key);
    expect(first.status).toBe(201);
    const replay = await admin.put(path(id), body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(await replay.json()).toEqual(await first.json());
    await expectProblem(
      await admin.put(path(id), { ...body, price: 1 }, key),
      422,
      "idempotency-key-reused",
    );
    expect((await auditOf(id)).map((row) => row.action)).toEqual(["product.created"]);
    expect(await changesOf(id)).toHaveLength(1);
  });

  it("20 identical PUTs of a new id at once: one 201, the rest 200 unchanged; one row, audit row and log row", async () => {
    const id = uuidv7();
    const body = newProduct({ gtin: validGtin() });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => admin.put(path(id), body)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(19);
    for (const response of responses) expect(response.headers.get("ETag")).toBe('"1"');
    expect((await read(id)).version).toBe(1);
    expect((await auditOf(id)).map((row) => row.action)).toEqual(["product.created"]);
    expect(await changesOf(id)).toHaveLength(1);
  });

  it("20 of them with If-None-Match: * at once: one 201, the rest 412 with currentVersion 1", async () => {
    const id = uuidv7();
    const body = newProduct();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => admin.put(path(id), body, { "If-None-Match": "*" })),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    const refused = responses.filter((response) => response.status === 412);
    expect(refused).toHaveLength(19);
    for (const response of refused)
      expect(await response.json()).toMatchObject({ currentVersion: 1 });
    expect(await auditOf(id)).toHaveLength(1);
    expect(await changesOf(id)).toHaveLength(1);
  });

  it("roles: support and analysts may not PUT a product (403), whatever the id", async () => {
    for (const role of ["seller", "support", "analyst"] as const) {
      const api = client((await actor(role)).headers);
      await expectProblem(await api.put(path(uuidv7()), newProduct()), 403, "forbidden");
    }
  });
});
