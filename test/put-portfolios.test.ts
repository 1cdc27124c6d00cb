import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";
import { client, created } from "./support/api";
import { actor } from "./support/auth";
import { insertProducts } from "./support/factories";
import { expectProblem } from "./support/http";
import { auditOf, changesOf } from "./support/records";

/** PUT /portfolios/{id}: the item set, created and replaced with the portfolio. */

interface Portfolio {
  id: string;
  name: string;
  version: number;
  itemCount: number;
}
interface Item {
  productId: string;
  price: number | null;
  position: number;
}

const admin = client((await actor("admin")).headers);
const path = (id: string) => `/portfolios/${id}`;
const [p1, p2, p3, p4, p5] = (await insertProducts(5)).map((product) => product.id) as [
  string,
  string,
  string,
  string,
  string,
];
const named = () => `Portafolio ${crypto.randomUUID()}`;

const itemsOf = async (id: string) =>
  ((await (await admin.get(`${path(id)}/items?limit=100`)).json()) as { data: Item[] }).data.map(
    ({ productId, price, position }) => ({ productId, price, position }),
  );

/** The change-log rows of a portfolio's items, as [op, product, version], by product. */
const itemLog = async (id: string) =>
  (await changesOf(id))
    .filter((row) => row.entityType === "portfolio_item")
    .map((row) => [row.op, row.entityId, row.version])
    .sort((x, y) => String(x[1]).localeCompare(String(y[1])) || Number(x[2]) - Number(y[2]));

describe("PUT /api/v1/portfolios/{id}", () => {
  it("at a free id creates the portfolio with its items, as POST does", async () => {
    const id = uuidv7();
    const response = await admin.put(path(id), {
      name: named(),
      items: [{ productId: p1 }, { productId: p2, price: 900 }],
    });
    expect(response.status).toBe(201);
    const portfolio = (await response.json()) as Portfolio;
    expect(portfolio).toMatchObject({ id, version: 1, itemCount: 2, description: null });
    expect(await itemsOf(id)).toEqual([
      { productId: p1, price: null, position: 0 },
      { productId: p2, price: 900, position: 1 },
    ]);
    expect(await itemLog(id)).toEqual(
      [
        ["upsert", p1, 1],
        ["upsert", p2, 1],
      ].sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    );
    expect(await auditOf(id)).toEqual([
      {
        action: "portfolio.created",
        changes: expect.objectContaining({ itemCount: { after: 2 } }),
      },
    ]);
  });

  it("replaces the item set in one write: one version, a log row per item added, changed or removed", async () => {
    const id = uuidv7();
    const name = named();
    await created(
      await admin.put(path(id), { name, items: [{ productId: p1 }, { productId: p2 }] }),
    );
    const response = await admin.put(path(id), {
      name,
      items: [
        { productId: p2, price: 700 },
        { productId: p3, position: 5 },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await response.json()).toMatchObject({ version: 2, itemCount: 2 });
    expect(await itemsOf(id)).toEqual([
      { productId: p2, price: 700, position: 0 },
      { productId: p3, price: null, position: 5 },
    ]);
    const log = await changesOf(id);
    expect(log.filter((row) => row.entityType === "portfolio").map((row) => row.version)).toEqual([
      1, 2,
    ]);
    expect((await itemLog(id)).filter(([, , version]) => version === 2)).toEqual(
      [
        ["delete", p1, 2],
        ["upsert", p2, 2],
        ["upsert", p3, 2],
      ].sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    );
    expect((await auditOf(id)).at(-1)).toEqual({
      action: "portfolio.updated",
      changes: {
        itemsAdded: { before: null, after: [p3] },
        itemsChanged: { before: null, after: [p2] },
        itemsRemoved: { before: [p1], after: null },
      },
    });
  });

  it("the same body again writes nothing; without items the items stay; items: [] removes them all", async () => {
    const id = uuidv7();
    const body = { name: named(), items: [{ productId: p1 }, { productId: p2, position: 3 }] };
    await created(await admin.put(path(id), body));
    const again = await admin.put(path(id), body);
    expect(again.status).toBe(200);
    expect(again.headers.get("ETag")).toBe('"1"');
    expect(await auditOf(id)).toHaveLength(1);
    expect(await changesOf(id)).toHaveLength(3);
    const renamed = await admin.put(path(id), { name: named(), status: "inactive" });
    expect(await renamed.json()).toMatchObject({ version: 2, itemCount: 2, status: "inactive" });
    expect(await itemsOf(id)).toHaveLength(2);
    const emptied = await admin.put(path(id), { name: body.name, items: [] });
    expect(await emptied.json()).toMatchObject({ version: 3, itemCount: 0, status: "active" });
    expect((await itemLog(id)).filter(([op]) => op === "delete")).toHaveLength(2);
  });

  it("checks the items as POST does: every bad one at its path (400), nothing written", async () => {
    const inactive = (await insertProducts(1, { status: "inactive" }))[0]!.id;
    const id = uuidv7();
    const name = named();
    await created(await admin.put(path(id), { name, items: [{ productId: p1 }] }));
    const problem = await expectProblem(
      await admin.put(path(id), {
        name,
        items: [
          { productId: p2 },
          { productId: p2 },
          { productId: uuidv7() },
          { productId: inactive },
        ],
      }),
      400,
      "validation-error",
    );
    expect(problem.errors).toEqual([
      { path: "/items/1/productId", message: "productId is listed twice (also at /items/0)" },
      { path: "/items/2/productId", message: "productId names no product" },
      { path: "/items/3/productId", message: "The product is inactive" },
    ]);
    expect(await itemsOf(id)).toEqual([{ productId: p1, price: null, position: 0 }]);
    expect(await changesOf(id)).toHaveLength(2);
  });

  it("If-Match: stale → 412 with currentVersion and the items as they were; current → replaced", async () => {
    const id = uuidv7();
    const name = named();
    await created(await admin.put(path(id), { name, items: [{ productId: p1 }] }));
    const change = { name, items: [{ productId: p4 }] };
    const stale = await expectProblem(
      await admin.put(path(id), change, { "If-Match": '"9"' }),
      412,
      "precondition-failed",
    );
    expect(stale).toMatchObject({ currentVersion: 1 });
    expect((await itemsOf(id)).map((item) => item.productId)).toEqual([p1]);
    const current = await admin.put(path(id), change, { "If-Match": '"1"' });
    expect(current.status).toBe(200);
    expect((await itemsOf(id)).map((item) => item.productId)).toEqual([p4]);
  });

  it("a name another live portfolio has: 409, on create and on replace", async () => {
    const taken = named();
    await created(await admin.post("/portfolios", { name: taken }));
    await expectProblem(await admin.put(path(uuidv7()), { name: taken }), 409, "conflict");
    const id = uuidv7();
    await created(await admin.put(path(id), { name: named() }));
    const problem = await expectProblem(
      await admin.put(path(id), { name: taken, items: [{ productId: p1 }] }),
      409,
      "conflict",
    );
    expect(problem.errors).toEqual([{ path: "/name", message: "name is already taken" }]);
    expect(await itemsOf(id)).toEqual([]);
  });

  it("replaces a set of hundreds of items, beyond one statement's chunk", async () => {
    const ids = (await insertProducts(900)).map((product) => product.id);
    const id = uuidv7();
    const name = named();
    const items = (from: number, to: number) =>
      ids.slice(from, to).map((productId) => ({ productId }));
    expect(await created(await admin.put(path(id), { name, items: items(0, 600) }))).toMatchObject({
      itemCount: 600,
    });
    const response = await admin.put(path(id), { name, items: items(300, 900) });
    expect(await response.json()).toMatchObject({ version: 2, itemCount: 600 });
    const atTwo = (await itemLog(id)).filter(([, , version]) => version === 2);
    // Items 300–599 moved up the list: each changed position, so each is logged too.
    expect(atTwo.filter(([op]) => op === "delete")).toHaveLength(300);
    expect(atTwo.filter(([op]) => op === "upsert")).toHaveLength(600);
  });
});

describe("concurrent PUTs of one portfolio", () => {
  it("20 identical creates at once: one 201, the rest 200; its items inserted and logged once", async () => {
    const id = uuidv7();
    const body = { name: named(), items: [{ productId: p1 }, { productId: p2 }] };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => admin.put(path(id), body)),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(19).fill(200), 201].sort());
    expect(await itemsOf(id)).toHaveLength(2);
    expect(await auditOf(id)).toHaveLength(1);
    expect(await changesOf(id)).toHaveLength(3);
  });

  it("5 replaces with different items at once, no If-Match: all go through, one version each", async () => {
    const id = uuidv7();
    const name = named();
    await created(await admin.put(path(id), { name }));
    const sets = [p1, p2, p3, p4, p5].map((productId) => [{ productId }]);
    const responses = await Promise.all(sets.map((items) => admin.put(path(id), { name, items })));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const versions = (await changesOf(id))
      .filter((row) => row.entityType === "portfolio")
      .map((row) => row.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
    const items = await itemsOf(id);
    expect(items).toHaveLength(1);
    expect(sets.map(([item]) => item!.productId)).toContain(items[0]!.productId);
    expect((await (await admin.get(path(id))).json()) as Portfolio).toMatchObject({ version: 6 });
  });

  it("only admins PUT a portfolio", async () => {
    for (const role of ["seller", "support", "analyst"] as const) {
      const api = client((await actor(role)).headers);
      await expectProblem(await api.put(path(uuidv7()), { name: named() }), 403, "forbidden");
    }
  });
});
