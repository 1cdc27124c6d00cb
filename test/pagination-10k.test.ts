import { describe, expect, it } from "vitest";
import { client } from "./support/api";
import { actor } from "./support/auth";
import { insertProducts } from "./support/factories";

describe("walking 10,000 products", () => {
  it("returns each exactly once, for an ascending and a descending sort", {
    timeout: 120_000,
  }, async () => {
    await insertProducts(10_000, { category: "national" });
    const api = client((await actor("analyst")).headers);
    for (const sort of ["price", "-createdAt"]) {
      const seen = new Set<string>();
      let pages = 0;
      let cursor: string | null = null;
      do {
        const response = await api.get(
          `/products?category=national&sort=${sort}&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(response.status).toBe(200);
        const page = (await response.json()) as {
          data: { id: string }[];
          nextCursor: string | null;
        };
        for (const product of page.data) {
          expect(seen.has(product.id)).toBe(false);
          seen.add(product.id);
        }
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(seen.size).toBe(10_000);
      expect(pages).toBe(100);
    }
  });
});
