import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../src/lib/pagination";
import { insertProducts } from "./support/factories";
import { expectProblem } from "./support/http";
import { createProbeApp } from "./support/probe-app";

const probe = createProbeApp();

interface Page {
  data: { id: string; name: string; price: number; createdAt: string }[];
  nextCursor: string | null;
}

const list = (query: string) => probe.request(`/api/v1/probe/products?${query}`, {}, env);

async function walk(category: string, sort: string, limit: number) {
  const seen: Page["data"] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query = new URLSearchParams({
      category,
      sort,
      limit: String(limit),
      ...(cursor && { cursor }),
    });
    const response = await list(query.toString());
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    expect(page.data.length).toBeLessThanOrEqual(limit);
    seen.push(...page.data);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { seen, pages };
}

describe("keyset pagination", () => {
  it("walks every row exactly once, in order, for each sort and direction", async () => {
    // Many equal prices and names force the id tie-breaker to do its job.
    await insertProducts(30, { category: "walk", price: 100 });
    await insertProducts(27, { category: "walk", name: "Same name" });
    for (const sort of ["price", "-price", "name", "-name", "createdAt", "-createdAt"]) {
      const { seen, pages } = await walk("walk", sort, 7);
      expect(seen).toHaveLength(57);
      expect(new Set(seen.map((row) => row.id)).size).toBe(57);
      expect(pages).toBe(9);
      const field = sort.replace("-", "") as "price" | "name" | "createdAt";
      const sorted = [...seen].sort((a, b) => {
        const order = a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.id < b.id ? -1 : 1;
        return sort.startsWith("-") ? -order : order;
      });
      expect(
        seen.map((r) => r.id),
        sort,
      ).toEqual(sorted.map((r) => r.id));
    }
  });

  it("returns each row once even when rows are added while walking", async () => {
    await insertProducts(10, { category: "growing" });
    const query = "category=growing&limit=4&sort=createdAt";
    const first = (await (await list(query)).json()) as Page;
    await insertProducts(5, { category: "growing" }); // newer rows land after the cursor
    const seen = [...first.data];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await (await list(`${query}&cursor=${cursor}`)).json()) as Page;
      seen.push(...page.data);
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(15);
    expect(new Set(seen.map((r) => r.id)).size).toBe(15);
  });

  it("defaults to 20 and returns nextCursor null on the last page", async () => {
    await insertProducts(21, { category: "default-limit" });
    const page = (await (await list("category=default-limit")).json()) as Page;
    expect(page.data).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
    const last = (await (
      await list(`category=default-limit&cursor=${page.nextCursor}`)
    ).json()) as Page;
    expect(last.data).toHaveLength(1);
    expect(last.nextCursor).toBeNull();
  });

  it.each([["0"], ["101"], ["-1"], ["2.5"], ["abc"], [""]])(
    "rejects limit=%s with 400 on query.limit",
    async (limit) => {
      const response = await list(`category=x&limit=${limit}`);
      const body = await expectProblem(response, 400, "validation-error");
      expect(body.errors).toEqual([{ path: "query.limit", message: expect.any(String) }]);
    },
  );

  it.each([
    ["not base64", "%%%"],
    ["base64 of garbage", btoa("garbage")],
    ["wrong shape", encodeURIComponent(btoa(JSON.stringify({ a: 1 })))],
    ["object value", btoa(JSON.stringify(["price", { $gt: 1 }, "x"])).replace(/=+$/, "")],
    ["another sort's cursor", encodeCursor({ sort: "name", value: "a", id: "x" })],
  ])("rejects a malformed cursor (%s) with 400 on query.cursor", async (_, cursor) => {
    const response = await list(`category=x&sort=price&cursor=${cursor}`);
    const body = await expectProblem(response, 400, "validation-error");
    expect((body.errors as { path: string }[])[0]?.path).toBe("query.cursor");
  });

  it("round-trips cursors with Unicode sort values", () => {
    const cursor = encodeCursor({ sort: "-name", value: "Café Ñandú 🍫", id: "0193" });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, "-name")).toEqual({
      sort: "-name",
      value: "Café Ñandú 🍫",
      id: "0193",
    });
  });
});

describe("chunkRowsForInsert", () => {
  it("keeps every statement under D1's 100-parameter limit", async () => {
    const { chunkRowsForInsert } = await import("../src/db/chunk");
    const { products } = await import("../src/db/schema");
    const chunks = chunkRowsForInsert(
      products,
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(chunks.flat()).toHaveLength(50);
    for (const chunk of chunks) expect(chunk.length * 16).toBeLessThanOrEqual(100);
    // 250 rows through the real D1 proves the size holds for Drizzle's statements.
    await expect(insertProducts(250)).resolves.toHaveLength(250);
  });
});
