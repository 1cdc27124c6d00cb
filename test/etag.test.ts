import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertProducts } from "./support/factories";
import { expectProblem } from "./support/http";
import { createProbeApp } from "./support/probe-app";

const probe = createProbeApp();
const call = (path: string, init?: RequestInit) => probe.request(path, init, env);

describe("ETag and If-None-Match", () => {
  it('returns ETag "<version>" and 304 with an empty body when it matches', async () => {
    const [product] = await insertProducts(1);
    const path = `/api/v1/probe/products/${product!.id}`;
    const first = await call(path);
    expect(first.headers.get("ETag")).toBe('"1"');
    for (const tag of ['"1"', 'W/"1"', '"7", "1"', "*"]) {
      const again = await call(path, { headers: { "If-None-Match": tag } });
      expect(again.status, tag).toBe(304);
      expect(await again.text()).toBe("");
    }
    const changed = await call(path, { headers: { "If-None-Match": '"2"' } });
    expect(changed.status).toBe(200);
  });
});

describe("If-Match", () => {
  it("lets the write through when absent or current, 412 with currentVersion when stale", async () => {
    const [product] = await insertProducts(1, { version: 3 });
    const path = `/api/v1/probe/products/${product!.id}`;
    expect((await call(path, { method: "DELETE" })).status).toBe(204);
    expect((await call(path, { method: "DELETE", headers: { "If-Match": '"3"' } })).status).toBe(
      204,
    );
    const stale = await call(path, { method: "DELETE", headers: { "If-Match": '"2"' } });
    const body = await expectProblem(stale, 412, "precondition-failed");
    expect(body.currentVersion).toBe(3);
    expect(stale.headers.get("ETag")).toBe('"3"');
  });

  it("rejects a malformed If-Match with 400 on header.if-match", async () => {
    const [product] = await insertProducts(1);
    const response = await call(`/api/v1/probe/products/${product!.id}`, {
      method: "DELETE",
      headers: { "If-Match": "3" },
    });
    const body = await expectProblem(response, 400, "validation-error");
    expect(body.errors).toEqual([
      { path: "header.if-match", message: 'if-match must be an ETag like "3"' },
    ]);
  });
});

describe("If-Match compares strongly", () => {
  it("never matches a weak tag (RFC 9110 §13.1.1)", async () => {
    const [product] = await insertProducts(1);
    const response = await call(`/api/v1/probe/products/${product!.id}`, {
      method: "DELETE",
      headers: { "If-Match": 'W/"1"' },
    });
    await expectProblem(response, 412, "precondition-failed");
  });
});
