import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { client, newProduct } from "./support/api";
import { actor } from "./support/auth";

const keysLeft = async () =>
  (await env.DB.prepare("select count(*) as n from idempotency_keys").first<{ n: number }>())?.n;

describe("scheduled housekeeping", () => {
  it("deletes Idempotency-Key records past their 7 days, and only those", async () => {
    const api = client((await actor("admin")).headers);
    await api.post("/products", newProduct(), { "Idempotency-Key": "fresh" });
    await api.post("/products", newProduct(), { "Idempotency-Key": "stale" });
    await env.DB.prepare(
      "update idempotency_keys set expires_at = '2000-01-01T00:00:00.000Z' where key = 'stale'",
    ).run();
    expect(await keysLeft()).toBe(2);
    await worker.scheduled(
      createScheduledController({ cron: "17 3 * * *" }),
      env,
      createExecutionContext(),
    );
    expect(await keysLeft()).toBe(1);
    const left = await env.DB.prepare("select key from idempotency_keys").first<{ key: string }>();
    expect(left?.key).toBe("fresh");
  });
});
