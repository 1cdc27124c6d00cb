import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { client, newProduct } from "./support/api";
import { actor } from "./support/auth";

describe("200 concurrent creates with 50 reused idempotency keys and 20 duplicate skus", () => {
  it("creates exactly the expected rows, never a 5xx, every replay identical", {
    timeout: 60_000,
  }, async () => {
    const api = client((await actor("admin")).headers);
    const run = crypto.randomUUID().slice(0, 8).toUpperCase();
    // 50 distinct requests; the last 20 reuse the sku of requests 10..29.
    const bodies = Array.from({ length: 50 }, (_, i) =>
      newProduct({ sku: `CC-${run}-${i >= 30 ? i - 20 : i}`, name: `Concurrente ${i}` }),
    );
    const keys = bodies.map((_, i) => `cc-${run}-${i}`);
    // Each request is sent 4 times under its key (a phone retrying), all at once.
    const sends = bodies.flatMap((body, i) => Array.from({ length: 4 }, () => ({ i, body })));
    const responses = await Promise.all(
      sends.map(async ({ i, body }) => {
        const response = await api.post("/products", body, { "Idempotency-Key": keys[i]! });
        return { i, status: response.status, text: await response.text() };
      }),
    );

    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    for (let i = 0; i < 50; i++) {
      const mine = responses.filter((r) => r.i === i);
      const statuses = new Set(mine.map((r) => r.status));
      // All four sends under one key agree: the same 201 body, or all 409.
      expect(statuses.size, `key ${i}: ${[...statuses]}`).toBe(1);
      if (statuses.has(201)) expect(new Set(mine.map((r) => r.text)).size).toBe(1);
      else expect([...statuses]).toEqual([409]);
    }
    for (let i = 10; i < 30; i++) {
      const winners = [i, i + 20].filter((j) =>
        responses.some((r) => r.i === j && r.status === 201),
      );
      expect(winners, `sku ${i}`).toHaveLength(1);
    }
    const { n } = (await env.DB.prepare("select count(*) as n from products where sku like ?")
      .bind(`CC-${run}-%`)
      .first<{ n: number }>())!;
    expect(n).toBe(30);
  });
});
