import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Client, client, created, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { insertProducts } from "./support/factories";
import { call, expectProblem } from "./support/http";

interface Portfolio {
  id: string;
  name: string;
  itemCount: number;
  version: number;
}
interface ItemPage {
  data: { productId: string; position: number; effectivePrice: number; price: number | null }[];
  nextCursor: string | null;
}

const admin = async () => client((await actor("admin")).headers);
const name = () => `Portafolio ${crypto.randomUUID()}`;

async function products(api: Client, count: number, overrides: Record<string, unknown> = {}) {
  const made = [];
  for (let i = 0; i < count; i++)
    made.push(await created<{ id: string }>(await api.post("/products", newProduct(overrides))));
  return made;
}

describe("POST /api/v1/portfolios", () => {
  it("creates a portfolio with items in the given order and positions", async () => {
    const api = await admin();
    const [a, b, c] = await products(api, 3);
    const portfolio = await created<Portfolio>(
      await api.post("/portfolios", {
        name: name(),
        items: [
          { productId: b!.id, price: 100 },
          { productId: a!.id },
          { productId: c!.id, position: 10 },
        ],
      }),
    );
    expect(portfolio).toMatchObject({ itemCount: 3, version: 1, status: "active" });
    const items = (await (await api.get(`/portfolios/${portfolio.id}/items`)).json()) as ItemPage;
    expect(items.data.map((i) => [i.productId, i.position, i.price])).toEqual([
      [b!.id, 0, 100],
      [a!.id, 1, null],
      [c!.id, 10, null],
    ]);
  });

  it("rejects the whole request, pointing at every bad item: unknown, deleted, inactive, duplicate", async () => {
    const api = await admin();
    const [ok, gone, off] = await products(api, 3);
    await api.delete(`/products/${gone!.id}`);
    await api.patch(`/products/${off!.id}`, { status: "inactive" });
    const portfolioName = name();
    const response = await api.post("/portfolios", {
      name: portfolioName,
      items: [
        { productId: ok!.id },
        { productId: "nope" },
        { productId: gone!.id },
        { productId: off!.id },
        { productId: ok!.id },
      ],
    });
    const body = await expectProblem(response, 400, "validation-error");
    expect(body.errors).toEqual([
      { path: "/items/1/productId", message: "productId names no product" },
      { path: "/items/2/productId", message: "productId names no product" },
      { path: "/items/3/productId", message: "The product is inactive" },
      { path: "/items/4/productId", message: "productId is listed twice (also at /items/0)" },
    ]);
    const list = (await (
      await api.get(`/portfolios?q=${encodeURIComponent(portfolioName)}`)
    ).json()) as { data: unknown[] };
    expect(list.data).toEqual([]); // nothing half-written
  });

  it("takes 2,000 items in one atomic request, and rejects 2,001", async () => {
    const api = await admin();
    const rows = await insertProducts(2000, { category: "bulk" });
    const response = await api.post("/portfolios", {
      name: name(),
      items: rows.map((r) => ({ productId: r.id })),
    });
    const portfolio = await created<Portfolio>(response);
    expect(portfolio.itemCount).toBe(2000);
    const count = await env.DB.prepare(
      "select count(*) as n from portfolio_items where portfolio_id = ?",
    )
      .bind(portfolio.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(2000);
    const tooMany = [...rows.map((r) => ({ productId: r.id })), { productId: rows[0]!.id }];
    const body = await expectProblem(
      await api.post("/portfolios", { name: name(), items: tooMany }),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[])[0]?.path).toBe("/items");
  });

  it("a bad item among 2,000 leaves nothing behind", async () => {
    const api = await admin();
    const rows = await insertProducts(1999, { category: "bulk-bad" });
    const portfolioName = name();
    const items = [...rows.map((r) => ({ productId: r.id })), { productId: "missing" }];
    const body = await expectProblem(
      await api.post("/portfolios", { name: portfolioName, items }),
      400,
      "validation-error",
    );
    expect(body.errors).toEqual([
      { path: "/items/1999/productId", message: "productId names no product" },
    ]);
    const left = await env.DB.prepare("select count(*) as n from portfolios where name = ?")
      .bind(portfolioName)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("refuses a name a live portfolio has (409), and frees it on delete", async () => {
    const api = await admin();
    const portfolioName = name();
    const first = await created<Portfolio>(await api.post("/portfolios", { name: portfolioName }));
    await expectProblem(await api.post("/portfolios", { name: portfolioName }), 409, "conflict");
    expect((await api.delete(`/portfolios/${first.id}`)).status).toBe(204);
    expect((await api.post("/portfolios", { name: portfolioName })).status).toBe(201);
  });
});

describe("GET /api/v1/portfolios", () => {
  it("filters by productId and q, and reports itemCount", async () => {
    const api = await admin();
    const [p] = await products(api, 1);
    const tag = crypto.randomUUID();
    await api.post("/portfolios", { name: `Con ${tag}`, items: [{ productId: p!.id }] });
    await api.post("/portfolios", { name: `Sin ${tag}` });
    const withIt = (await (await api.get(`/portfolios?productId=${p!.id}`)).json()) as {
      data: Portfolio[];
    };
    expect(withIt.data.map((x) => [x.name, x.itemCount])).toEqual([[`Con ${tag}`, 1]]);
    const byName = (await (await api.get(`/portfolios?q=${tag}&sort=-name`)).json()) as {
      data: Portfolio[];
    };
    expect(byName.data.map((x) => x.name)).toEqual([`Sin ${tag}`, `Con ${tag}`]);
  });

  it("is readable by every role", async () => {
    for (const role of ["seller", "support", "analyst"] as const) {
      const api = client((await actor(role)).headers);
      expect((await api.get("/portfolios")).status, role).toBe(200);
    }
  });
});

describe("portfolio items", () => {
  it("PUT adds (201) then updates (200), DELETE removes (204); each bumps the version", async () => {
    const api = await admin();
    const [p] = await products(api, 1, { price: 5000 });
    const portfolio = await created<Portfolio>(await api.post("/portfolios", { name: name() }));
    const added = await api.put(`/portfolios/${portfolio.id}/items/${p!.id}`, { price: 4500 });
    expect(added.status).toBe(201);
    expect(added.headers.get("ETag")).toBe('"2"');
    expect(await added.json()).toMatchObject({
      productId: p!.id,
      listPrice: 5000,
      price: 4500,
      effectivePrice: 4500,
      position: 0,
    });
    const updated = await api.put(
      `/portfolios/${portfolio.id}/items/${p!.id}`,
      { price: null },
      { "If-Match": '"2"' },
    );
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ price: null, effectivePrice: 5000 });
    await expectProblem(
      await api.put(
        `/portfolios/${portfolio.id}/items/${p!.id}`,
        { price: 1 },
        { "If-Match": '"2"' },
      ),
      412,
      "precondition-failed",
    );
    expect((await api.delete(`/portfolios/${portfolio.id}/items/${p!.id}`)).status).toBe(204);
    expect(await (await api.get(`/portfolios/${portfolio.id}`)).json()).toMatchObject({
      itemCount: 0,
      version: 4,
    });
    await expectProblem(
      await api.delete(`/portfolios/${portfolio.id}/items/${p!.id}`),
      404,
      "not-found",
    );
  });

  it("50 concurrent PUTs adding the same product: all succeed, one item, one new version", async () => {
    const api = await admin();
    const [p] = await products(api, 1);
    const portfolio = await created<Portfolio>(await api.post("/portfolios", { name: name() }));
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        api.put(`/portfolios/${portfolio.id}/items/${p!.id}`, { price: 700 }),
      ),
    );
    for (const answer of answers) expect([200, 201]).toContain(answer.status);
    expect(await (await api.get(`/portfolios/${portfolio.id}`)).json()).toMatchObject({
      itemCount: 1,
      version: 2,
    });
  });

  it("concurrent PUTs under one If-Match: one adds its product (201), the rest get 412", async () => {
    const api = await admin();
    const candidates = await products(api, 10);
    const portfolio = await created<Portfolio>(await api.post("/portfolios", { name: name() }));
    const answers = await Promise.all(
      candidates.map((product) =>
        api.put(`/portfolios/${portfolio.id}/items/${product.id}`, {}, { "If-Match": '"1"' }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([
      201, 412, 412, 412, 412, 412, 412, 412, 412, 412,
    ]);
    expect(await (await api.get(`/portfolios/${portfolio.id}`)).json()).toMatchObject({
      itemCount: 1,
      version: 2,
    });
  });

  it("PUT on an existing item with nothing to change answers 200 and keeps the version", async () => {
    const api = await admin();
    const [p] = await products(api, 1);
    const portfolio = await created<Portfolio>(
      await api.post("/portfolios", { name: name(), items: [{ productId: p!.id, price: 10 }] }),
    );
    for (const body of [{}, { price: 10 }]) {
      const response = await api.put(`/portfolios/${portfolio.id}/items/${p!.id}`, body);
      expect(response.status).toBe(200);
      expect(response.headers.get("ETag")).toBe('"1"');
    }
  });

  it("answers an added item with its Location", async () => {
    const api = await admin();
    const [p] = await products(api, 1);
    const portfolio = await created<Portfolio>(await api.post("/portfolios", { name: name() }));
    const added = await api.put(`/portfolios/${portfolio.id}/items/${p!.id}`, {});
    expect(added.headers.get("Location")).toBe(`/api/v1/portfolios/${portfolio.id}/items/${p!.id}`);
  });

  it("PUT takes no body at all: the product goes last at its list price (the body is optional)", async () => {
    const api = await admin();
    const [a, b] = await products(api, 2, { price: 3200 });
    const portfolio = await created<Portfolio>(
      await api.post("/portfolios", { name: name(), items: [{ productId: a!.id }] }),
    );
    const { headers } = await actor("admin");
    const added = await call(`/api/v1/portfolios/${portfolio.id}/items/${b!.id}`, {
      method: "PUT",
      headers,
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ position: 1, price: null, effectivePrice: 3200 });
    const again = await call(`/api/v1/portfolios/${portfolio.id}/items/${b!.id}`, {
      method: "PUT",
      headers,
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("ETag")).toBe('"2"');
  });

  it("appends new items after the last position", async () => {
    const api = await admin();
    const [a, b] = await products(api, 2);
    const portfolio = await created<Portfolio>(
      await api.post("/portfolios", { name: name(), items: [{ productId: a!.id, position: 7 }] }),
    );
    expect(
      await (await api.put(`/portfolios/${portfolio.id}/items/${b!.id}`, {})).json(),
    ).toMatchObject({ position: 8 });
  });

  it("404 for unknown portfolio or product, 409 for an inactive product", async () => {
    const api = await admin();
    const [off] = await products(api, 1, { status: "inactive" });
    const portfolio = await created<Portfolio>(await api.post("/portfolios", { name: name() }));
    await expectProblem(await api.put(`/portfolios/nope/items/${off!.id}`, {}), 404, "not-found");
    await expectProblem(
      await api.put(`/portfolios/${portfolio.id}/items/nope`, {}),
      404,
      "not-found",
    );
    await expectProblem(
      await api.put(`/portfolios/${portfolio.id}/items/${off!.id}`, {}),
      409,
      "conflict",
    );
  });

  it("pages through items by position", async () => {
    const api = await admin();
    const rows = await insertProducts(45, { category: "paged-items" });
    const portfolio = await created<Portfolio>(
      await api.post("/portfolios", {
        name: name(),
        items: rows.map((r) => ({ productId: r.id, position: 0 })),
      }),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await api.get(
          `/portfolios/${portfolio.id}/items?limit=10${cursor ? `&cursor=${cursor}` : ""}`,
        )
      ).json()) as ItemPage;
      seen.push(...page.data.map((i) => i.productId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.id).sort());
  });
});
