import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { client, newEstablishment, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";

const admin = async () => client((await actor("admin")).headers);
const count = async (sku: string) =>
  (
    await env.DB.prepare("select count(*) as n from products where sku = ?")
      .bind(sku)
      .first<{ n: number }>()
  )?.n;

describe("Idempotency-Key on creates", () => {
  it("replays the original 201 exactly, with Idempotent-Replayed, creating nothing twice", async () => {
    const api = await admin();
    const body = newProduct();
    const key = { "Idempotency-Key": `retry-${crypto.randomUUID()}` };
    const first = await api.post("/products", body, key);
    expect(first.status).toBe(201);
    const again = await api.post("/products", body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(again.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(await again.text()).toBe(await first.text());
    expect(await count(body.sku)).toBe(1);
  });

  it("fingerprints the request with an HMAC under the server secret, never a plain hash of a body holding a password", async () => {
    const api = await admin();
    const key = `user-${crypto.randomUUID()}`;
    const body = {
      email: `idem-${crypto.randomUUID()}@example.co`,
      password: "una frase larga y secreta",
      firstName: "Ana",
      lastName: "Pérez",
      role: "seller",
    };
    expect((await api.post("/users", body, { "Idempotency-Key": key })).status).toBe(201);
    const row = await env.DB.prepare("select * from idempotency_keys where key = ?")
      .bind(key)
      .first<{ request_hash: string }>();
    const signed = `POST /api/v1/users\n${JSON.stringify(body)}`;
    const utf8 = new TextEncoder();
    const hex = (buffer: ArrayBuffer) =>
      [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const hmacKey = await crypto.subtle.importKey(
      "raw",
      utf8.encode(env.IDEMPOTENCY_HMAC_KEY),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    expect(row?.request_hash).toBe(
      hex(await crypto.subtle.sign("HMAC", hmacKey, utf8.encode(signed))),
    );
    expect(row?.request_hash).not.toBe(
      hex(await crypto.subtle.digest("SHA-256", utf8.encode(signed))),
    );
    expect(JSON.stringify(row)).not.toContain(body.password);
  });

  it("answers the same key with a different body with 422", async () => {
    const api = await admin();
    const key = { "Idempotency-Key": `k-${crypto.randomUUID()}` };
    expect((await api.post("/products", newProduct(), key)).status).toBe(201);
    const other = newProduct();
    await expectProblem(await api.post("/products", other, key), 422, "idempotency-key-reused");
    expect(await count(other.sku)).toBe(0);
  });

  it("scopes keys per user: another admin's same key is a new request", async () => {
    const key = { "Idempotency-Key": "shared-key" };
    const [one, two] = [await admin(), await admin()];
    expect((await one.post("/products", newProduct(), key)).status).toBe(201);
    const second = await two.post("/products", newProduct(), key);
    expect(second.status).toBe(201);
    expect(second.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("concurrent retries with one key create once and all answer the same", async () => {
    const api = await admin();
    const body = newEstablishment();
    const key = { "Idempotency-Key": `burst-${crypto.randomUUID()}` };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => api.post("/establishments", body, key)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    const texts = new Set(await Promise.all(responses.map((r) => r.text())));
    expect(texts.size).toBe(1);
    const n = await env.DB.prepare("select count(*) as n from establishments where name = ?")
      .bind(body.name)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("a failed first attempt stores nothing: the retry runs again", async () => {
    const api = await admin();
    const taken = newProduct();
    await api.post("/products", taken);
    const key = { "Idempotency-Key": `fail-${crypto.randomUUID()}` };
    await expectProblem(await api.post("/products", taken, key), 409, "conflict");
    await expectProblem(await api.post("/products", taken, key), 409, "conflict");
  });

  it("rejects a malformed key with 400", async () => {
    const api = await admin();
    for (const bad of ["", "x".repeat(256), "tab\there"]) {
      const body = await expectProblem(
        await api.post("/products", newProduct(), { "Idempotency-Key": bad }),
        400,
        "validation-error",
      );
      expect((body.errors as { path: string }[])[0]?.path).toBe("header.idempotency-key");
    }
  });

  it("works on user and portfolio creates too", async () => {
    const api = await admin();
    const key = { "Idempotency-Key": `u-${crypto.randomUUID()}` };
    const user = {
      email: `i-${crypto.randomUUID()}@example.co`,
      password: "una frase larga y secreta",
      firstName: "I",
      lastName: "D",
      role: "seller",
    };
    expect((await api.post("/users", user, key)).status).toBe(201);
    expect((await api.post("/users", user, key)).headers.get("Idempotent-Replayed")).toBe("true");
    const portfolio = { name: `Idem ${crypto.randomUUID()}` };
    expect((await api.post("/portfolios", portfolio, key)).status).toBe(422); // same key, other request
  });

  it("replays a create whose checks would now fail (the product went inactive since)", async () => {
    const api = await admin();
    const product = (await (await api.post("/products", newProduct())).json()) as { id: string };
    const body = { name: `Idem ${crypto.randomUUID()}`, items: [{ productId: product.id }] };
    const key = { "Idempotency-Key": `late-${crypto.randomUUID()}` };
    const first = await api.post("/portfolios", body, key);
    expect(first.status).toBe(201);
    await api.patch(`/products/${product.id}`, { status: "inactive" });
    const retry = await api.post("/portfolios", body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(await first.text());
    // Without the key, the same body is judged on today's data.
    await expectProblem(
      await api.post("/portfolios", { ...body, name: `${body.name} 2` }),
      400,
      "validation-error",
    );
  });
});
