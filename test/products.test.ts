import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Client, client, created, newProduct, validGtin } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";

const admin = async () => client((await actor("admin")).headers);

describe("POST /api/v1/products", () => {
  it("creates a product: 201, Location, ETag, defaults, sku upper-cased", async () => {
    const api = await admin();
    const response = await api.post(
      "/products",
      newProduct({ sku: "beb-cola.350_ml", gtin: "7702004003508" }),
    );
    expect(response.status).toBe(201);
    const product = (await response.json()) as Record<string, unknown>;
    expect(response.headers.get("Location")).toBe(`/api/v1/products/${product.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(product).toMatchObject({
      sku: "BEB-COLA.350_ML",
      currency: "COP",
      status: "active",
      version: 1,
      description: null,
    });
    expect(product).not.toHaveProperty("deletedAt");
    const read = await api.get(`/products/${product.id}`);
    expect(await read.json()).toEqual(product);
  });

  it("stores Unicode and SQL-looking strings verbatim", async () => {
    const api = await admin();
    const name = "Café de Nariño ☕ 500 g'); DROP TABLE products;--";
    const description = '<script>alert(1)</script> 100% "puro" \\ ñ';
    const product = await created(await api.post("/products", newProduct({ name, description })));
    expect(product).toMatchObject({ name, description });
    expect(await (await api.get(`/products/${product.id}`)).json()).toMatchObject({
      name,
      description,
    });
  });

  it("accepts boundary lengths and rejects one past them", async () => {
    const api = await admin();
    expect(
      (
        await api.post(
          "/products",
          newProduct({ name: "ñ".repeat(150), sku: `S${"K".repeat(63)}` }),
        )
      ).status,
    ).toBe(201);
    const body = await expectProblem(
      await api.post("/products", newProduct({ name: "x".repeat(151), sku: "K".repeat(65) })),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "/name",
      "/sku",
    ]);
  });

  it.each([
    ["sku with spaces", { sku: "A B" }, "/sku"],
    ["empty name", { name: "" }, "/name"],
    ["negative price", { price: -1 }, "/price"],
    ["fractional price", { price: 10.5 }, "/price"],
    ["price as a string", { price: "100" }, "/price"],
    ["unknown unit", { unit: "dozen" }, "/unit"],
    ["gtin of 11 digits", { gtin: "77020040035" }, "/gtin"],
    ["gtin with a wrong check digit", { gtin: "7702004003509" }, "/gtin"],
    ["http image", { imageUrl: "http://cdn.example.co/a.jpg" }, "/imageUrl"],
    ["image on localhost", { imageUrl: "https://localhost/a.jpg" }, "/imageUrl"],
    ["image on a private IP", { imageUrl: "https://192.168.1.10/a.jpg" }, "/imageUrl"],
    ["image on the metadata IP", { imageUrl: "https://169.254.169.254/latest" }, "/imageUrl"],
    ["image URL too long", { imageUrl: `https://cdn.example.co/${"a".repeat(2040)}` }, "/imageUrl"],
    ["lower-case currency", { currency: "cop" }, "/currency"],
    ["unknown currency", { currency: "XYZ" }, "/currency"],
    ["unknown field", { color: "red" }, "/color"],
    ["mass-assigned id", { id: "mine" }, "/id"],
    ["mass-assigned version", { version: 5 }, "/version"],
  ])("rejects %s with a 400 on the field", async (_, overrides, path) => {
    const api = await admin();
    const body = await expectProblem(
      await api.post("/products", newProduct(overrides)),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });

  it("refuses a duplicate sku (any case) or gtin with 409 naming the field", async () => {
    const api = await admin();
    const gtin = validGtin();
    const first = await created(await api.post("/products", newProduct({ gtin })));
    const sku = await expectProblem(
      await api.post("/products", newProduct({ sku: String(first.sku).toLowerCase() })),
      409,
      "conflict",
    );
    expect(sku.errors).toEqual([{ path: "/sku", message: "sku is already taken" }]);
    const dup = await expectProblem(
      await api.post("/products", newProduct({ gtin })),
      409,
      "conflict",
    );
    expect(dup.errors).toEqual([{ path: "/gtin", message: "gtin is already taken" }]);
  });

  it("under concurrent creates with one sku: exactly one 201, the rest 409, never a 500", async () => {
    const api = await admin();
    const body = newProduct();
    const statuses = (
      await Promise.all(Array.from({ length: 10 }, () => api.post("/products", body)))
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
  });
});

describe("GET /api/v1/products", () => {
  async function seed(api: Client, category: string) {
    const made = [];
    for (const [name, price] of [
      ["Arroz", 3000],
      ["arepa", 1200],
      ["Café", 9000],
      ["Chocolate", 4000],
    ] as const) {
      made.push(await created(await api.post("/products", newProduct({ name, price, category }))));
    }
    return made;
  }

  it("filters by category, status, q (name or sku), gtin, updatedSince and sorts", async () => {
    const api = await admin();
    const category = `cat-${crypto.randomUUID()}`;
    const made = await seed(api, category);
    const list = async (query: string) =>
      (
        (await (await api.get(`/products?category=${category}&${query}`)).json()) as {
          data: { name: string; price: number }[];
        }
      ).data;
    expect((await list("sort=price")).map((p) => p.price)).toEqual([1200, 3000, 4000, 9000]);
    expect((await list("sort=-price")).map((p) => p.price)).toEqual([9000, 4000, 3000, 1200]);
    expect((await list("q=CAF")).map((p) => p.name)).toEqual(["Café"]);
    expect(await list(`q=${made[0]!.sku}`)).toHaveLength(1);
    expect(await list("status=inactive")).toEqual([]);
    expect(await list(`updatedSince=${encodeURIComponent("2999-01-01T00:00:00Z")}`)).toEqual([]);
    expect(
      await list(`updatedSince=${encodeURIComponent("2000-01-01T00:00:00-05:00")}`),
    ).toHaveLength(4);
  });

  it("rejects a bad sort, limit or updatedSince with 400", async () => {
    const api = await admin();
    const body = await expectProblem(
      await api.get("/products?sort=-password&limit=500&updatedSince=yesterday"),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "query.limit",
      "query.sort",
      "query.updatedSince",
    ]);
  });

  it("walks 250 products in pages of 17, each exactly once", async () => {
    const api = await admin();
    const category = `walk-${crypto.randomUUID()}`;
    await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        api.post("/products", newProduct({ category, price: i % 7 })),
      ),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await api.get(
          `/products?category=${category}&sort=price&limit=17${cursor ? `&cursor=${cursor}` : ""}`,
        )
      ).json()) as {
        data: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.data.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });
});

describe("PATCH /api/v1/products/{id}", () => {
  it("two PATCHes with the same If-Match: one 200, one 412", async () => {
    const api = await admin();
    const product = await created(await api.post("/products", newProduct()));
    const [a, b] = await Promise.all([
      api.patch(`/products/${product.id}`, { price: 100 }, { "If-Match": '"1"' }),
      api.patch(`/products/${product.id}`, { price: 200 }, { "If-Match": '"1"' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const loser = a.status === 412 ? a : b;
    expect((await loser.json()) as { currentVersion: number }).toMatchObject({ currentVersion: 2 });
  });

  it("a 100-character q is a search like any other (D1 refuses LIKE patterns over 50 bytes)", async () => {
    const api = await admin();
    const long = "maracuyá ".repeat(12).slice(0, 100);
    await api.post("/products", newProduct({ name: long.trim() }));
    for (const path of ["/products", "/portfolios", "/users", "/establishments"]) {
      const response = await api.get(`${path}?q=${encodeURIComponent(long)}`);
      expect(response.status, path).toBe(200);
    }
    const found = (await (await api.get(`/products?q=${encodeURIComponent(long)}`)).json()) as {
      data: { name: string }[];
    };
    expect(found.data.map((p) => p.name)).toEqual([long.trim()]);
  });

  it("a replayed PATCH whose change the product already holds: 200 despite the stale If-Match", async () => {
    const api = await admin();
    const product = await created(await api.post("/products", newProduct()));
    const first = await api.patch(
      `/products/${product.id}`,
      { price: 4321 },
      { "If-Match": '"1"' },
    );
    expect(first.status).toBe(200);
    // The app never saw that answer (no signal) and sends the same request again.
    const replay = await api.patch(
      `/products/${product.id}`,
      { price: 4321 },
      { "If-Match": '"1"' },
    );
    expect(replay.status).toBe(200);
    expect(replay.headers.get("ETag")).toBe('"2"');
    expect(await replay.json()).toMatchObject({ price: 4321, version: 2 });
    // Something still to change under a stale If-Match is a conflict.
    await expectProblem(
      await api.patch(`/products/${product.id}`, { price: 1234 }, { "If-Match": '"1"' }),
      412,
      "precondition-failed",
    );
  });

  it("returns 304 for If-None-Match with the current ETag, 200 after a change", async () => {
    const api = await admin();
    const product = await created(await api.post("/products", newProduct()));
    expect((await api.get(`/products/${product.id}`, { "If-None-Match": '"1"' })).status).toBe(304);
    await api.patch(`/products/${product.id}`, { name: "Nuevo nombre" });
    const fresh = await api.get(`/products/${product.id}`, { "If-None-Match": '"1"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("ETag")).toBe('"2"');
  });

  it("can clear optional fields with null, and rejects a gtin taken by another product", async () => {
    const api = await admin();
    const gtin = validGtin();
    await created(await api.post("/products", newProduct({ gtin })));
    const product = await created(await api.post("/products", newProduct({ brand: "Postobón" })));
    expect(
      await (await api.patch(`/products/${product.id}`, { brand: null })).json(),
    ).toMatchObject({ brand: null, version: 2 });
    await expectProblem(await api.patch(`/products/${product.id}`, { gtin }), 409, "conflict");
    await expectProblem(
      await api.patch(`/products/${product.id}`, { deletedAt: null }),
      400,
      "validation-error",
    );
  });

  it("records before/after of the changed fields in the audit log", async () => {
    const api = await admin();
    const product = await created(await api.post("/products", newProduct({ price: 1000 })));
    await api.patch(`/products/${product.id}`, { price: 1500, name: product.name });
    const row = await env.DB.prepare(
      "select changes from audit_events where entity_id = ? and action = 'product.updated'",
    )
      .bind(product.id)
      .first<{ changes: string }>();
    expect(JSON.parse(row!.changes)).toEqual({ price: { before: 1000, after: 1500 } });
  });

  it("changes every field at once, each in the audit row (D1 caps a compound SELECT at 5 terms)", async () => {
    const api = await admin();
    const product = await created<{ id: string }>(await api.post("/products", newProduct()));
    const patch = {
      name: "Jugo de mora 1 l",
      description: "Tetra Pak",
      category: "jugos",
      brand: "Hit",
      gtin: validGtin(),
      imageUrl: "https://cdn.example.co/mora.png",
      unit: "l",
      price: 4200,
      currency: "USD",
      status: "inactive",
    };
    const response = await api.patch(`/products/${product.id}`, patch);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ...patch, version: 2 });
    const row = await env.DB.prepare(
      "select changes from audit_events where entity_id = ? and action = 'product.updated'",
    )
      .bind(product.id)
      .first<{ changes: string }>();
    expect(Object.keys(JSON.parse(row!.changes)).sort()).toEqual(Object.keys(patch).sort());
  });

  it("audits exactly the fields that change (nulls too), and nothing for a no-op or a stale If-Match", async () => {
    const api = await admin();
    const product = await created<{ id: string; name: string }>(
      await api.post("/products", newProduct({ price: 1000, description: "Lata" })),
    );
    const audited = async () =>
      (
        await env.DB.prepare(
          "select changes from audit_events where entity_id = ? and action = 'product.updated' order by id",
        )
          .bind(product.id)
          .all<{ changes: string }>()
      ).results.map((row) => JSON.parse(row.changes));
    const patched = await api.patch(
      `/products/${product.id}`,
      { brand: "Postobón", description: null, price: 1000, name: product.name, unit: "pack" },
      { "If-Match": '"1"' },
    );
    expect(patched.status).toBe(200);
    expect(patched.headers.get("ETag")).toBe('"2"');
    // The same values again, with and without If-Match: 200 at version 2, nothing written.
    const again = await api.patch(`/products/${product.id}`, { brand: "Postobón", price: 1000 });
    expect(await again.json()).toMatchObject({ version: 2, brand: "Postobón" });
    expect(again.headers.get("ETag")).toBe('"2"');
    const stale = await api.patch(`/products/${product.id}`, { price: 1 }, { "If-Match": '"1"' });
    expect(await expectProblem(stale, 412, "precondition-failed")).toMatchObject({
      currentVersion: 2,
    });
    // However many ETags If-Match lists (here 150, over D1's 100 parameters per statement).
    const many = Array.from({ length: 150 }, (_, i) => `"${i + 2}"`).join(", ");
    const listed = await api.patch(
      `/products/${product.id}`,
      { price: 1000 },
      { "If-Match": many },
    );
    expect(listed.status).toBe(200);
    expect(await audited()).toEqual([
      {
        brand: { before: null, after: "Postobón" },
        description: { before: "Lata", after: null },
        unit: { before: "unit", after: "pack" },
      },
    ]);
    expect(await (await api.get(`/products/${product.id}`)).json()).toMatchObject({
      price: 1000,
      version: 2,
    });
  });
});

describe("DELETE /api/v1/products/{id}", () => {
  it("soft-deletes: 404 afterwards, gone from lists, sku and gtin reusable", async () => {
    const api = await admin();
    const gtin = validGtin();
    const product = await created(
      await api.post("/products", newProduct({ gtin, category: "to-delete" })),
    );
    expect((await api.delete(`/products/${product.id}`, { "If-Match": '"1"' })).status).toBe(204);
    await expectProblem(await api.get(`/products/${product.id}`), 404, "not-found");
    await expectProblem(await api.delete(`/products/${product.id}`), 404, "not-found");
    expect(
      ((await (await api.get("/products?category=to-delete")).json()) as { data: unknown[] }).data,
    ).toEqual([]);
    expect((await api.post("/products", newProduct({ sku: product.sku, gtin }))).status).toBe(201);
  });

  it("refuses (409) while portfolios list it, naming how many and how to detach", async () => {
    const api = await admin();
    const product = await created<{ id: string }>(await api.post("/products", newProduct()));
    const portfolios = [];
    for (const n of [1, 2]) {
      portfolios.push(
        await created<{ id: string }>(
          await api.post("/portfolios", {
            name: `P${n}-${crypto.randomUUID()}`,
            items: [{ productId: product.id }],
          }),
        ),
      );
    }
    const refused = await expectProblem(
      await api.delete(`/products/${product.id}`),
      409,
      "conflict",
    );
    expect(refused).toMatchObject({ dependents: 2 });
    expect(refused.detail).toContain(`GET /api/v1/portfolios?productId=${product.id}`);
    const spanish = await api.delete(`/products/${product.id}`, { "Accept-Language": "es-CO" });
    expect((await spanish.json()) as { detail: string }).toMatchObject({
      detail: expect.stringMatching(/^2 portafolios incluyen este producto/),
    });
    // A deleted portfolio no longer counts; an item removed no longer counts.
    expect((await api.delete(`/portfolios/${portfolios[0]!.id}`)).status).toBe(204);
    expect((await api.delete(`/portfolios/${portfolios[1]!.id}/items/${product.id}`)).status).toBe(
      204,
    );
    expect((await api.get(`/products/${product.id}`)).status).toBe(200);
    expect((await api.delete(`/products/${product.id}`)).status).toBe(204);
  });

  it("a delete with a stale If-Match (412) changes nothing", async () => {
    const api = await admin();
    const product = await created(await api.post("/products", newProduct()));
    await expectProblem(
      await api.delete(`/products/${product.id}`, { "If-Match": '"9"' }),
      412,
      "precondition-failed",
    );
    expect(await (await api.get(`/products/${product.id}`)).json()).toMatchObject({ version: 1 });
  });

  it("a product added to a portfolio while its delete runs is never left dangling", async () => {
    const api = await admin();
    for (let round = 0; round < 5; round++) {
      const product = await created<{ id: string }>(await api.post("/products", newProduct()));
      const portfolio = await created<{ id: string }>(
        await api.post("/portfolios", { name: `Race-${crypto.randomUUID()}` }),
      );
      const [deleted, added] = await Promise.all([
        api.delete(`/products/${product.id}`),
        api.put(`/portfolios/${portfolio.id}/items/${product.id}`, {}),
      ]);
      // Either the delete won (the PUT then finds no product) or the PUT did (409 delete).
      if (deleted.status === 204) expect(added.status).toBe(404);
      else {
        expect(deleted.status).toBe(409);
        expect(added.status).toBe(201);
      }
    }
  });
});

describe("search the way people type", () => {
  it("q ignores accents, case and punctuation: maracuya finds Maracuyá, nandu finds Ñandú", async () => {
    const api = await admin();
    const tag = crypto.randomUUID().slice(0, 8);
    const maracuya = await created<{ id: string }>(
      await api.post("/products", newProduct({ name: `Jugo de Maracuyá ${tag}`, category: tag })),
    );
    const nandu = await created<{ id: string }>(
      await api.post("/products", newProduct({ name: `Galletas Ñandú-Max ${tag}`, category: tag })),
    );
    const found = async (q: string) =>
      (
        (await (await api.get(`/products?category=${tag}&q=${encodeURIComponent(q)}`)).json()) as {
          data: { id: string }[];
        }
      ).data.map((p) => p.id);
    expect(await found("maracuya")).toEqual([maracuya.id]);
    expect(await found("MARACUYÁ")).toEqual([maracuya.id]);
    expect(await found("nandu")).toEqual([nandu.id]);
    expect(await found("ñandú max")).toEqual([nandu.id]);
    // A rename is searchable by its new name at once.
    await api.patch(`/products/${maracuya.id}`, { name: `Néctar de Guanábana ${tag}` });
    expect(await found("guanabana")).toEqual([maracuya.id]);
    expect(await found("maracuya")).toEqual([]);
  });
});
