import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, signIn } from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

/**
 * POST /api/v1/batch: an offline outbox replayed in one request, each operation through
 * the whole app as a request of its own (docs/api-contract.md, "POST /batch").
 */
interface Result {
  index: number;
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: an operation's answer, read field by field
  body: any;
  current?: unknown;
}

const API = "/api/v1";
const batch = (headers: Record<string, string>, operations: unknown, extra = {}) =>
  call(`${API}/batch`, jsonBody({ operations }, { headers: { ...headers, ...extra } }));

async function resultsOf(response: Response): Promise<Result[]> {
  const text = await response.text();
  expect(response.status, text).toBe(207);
  const { results } = JSON.parse(text) as { results: Result[] };
  expect(results.map((result) => result.index)).toEqual(results.map((_, i) => i));
  return results;
}

const count = async (sql: string, ...values: unknown[]) =>
  ((await env.DB.prepare(sql)
    .bind(...values)
    .first<{ n: number }>("n")) ?? 0) as number;

/** The audit rows of a batch's operations: request ids `<id>.<index>` (`.` sorts before `/`). */
const auditRowsOf = (requestId: string) =>
  env.DB.prepare(
    "select request_id, action, captured_at, device_id, app_version from audit_events where request_id > ? and request_id < ? order by request_id",
  )
    .bind(`${requestId}.`, `${requestId}/`)
    .all()
    .then(({ results }) => results);

const admin = await actor("admin");
const adminApi = client(admin.headers);
const product = async () =>
  created<{ id: string; version: number }>(await adminApi.post("/products", newProduct()));

describe("POST /batch applies each operation through the app, in order", () => {
  it("in order: each PATCH sees the version the one before it left", async () => {
    const { id } = await product();
    const path = `${API}/products/${id}`;
    const response = await batch(
      admin.headers,
      [100, 200, 300].map((price, i) => ({
        method: "PATCH",
        path,
        body: { price },
        ifMatch: `"${i + 1}"`,
      })),
    );
    // The last operation's bookmark: send it back to read what the batch wrote.
    const bookmark = response.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{8}){2,}/);
    const results = await resultsOf(response);
    expect(results.map((r) => [r.status, r.headers.ETag, r.body.price])).toEqual([
      [200, '"2"', 100],
      [200, '"3"', 200],
      [200, '"4"', 300],
    ]);
    const read = await adminApi.get(`/products/${id}`, { "x-d1-bookmark": bookmark! });
    expect(await read.json()).toMatchObject({ price: 300, version: 4 });
  });

  it("each operation is authorised on its own: a seller's create on an admin route is a 403, the others run", async () => {
    const seller = await actor("seller");
    const store = await created<{ id: string }>(
      await adminApi.post("/establishments", newEstablishment()),
    );
    await adminApi.put(`/establishments/${store.id}/sellers/${seller.user.id}`, {});
    const sku = newProduct().sku;
    const results = await resultsOf(
      await batch(seller.headers, [
        { method: "POST", path: `${API}/establishments`, body: newEstablishment() },
        { method: "POST", path: `${API}/products`, body: newProduct({ sku }) },
        {
          method: "PATCH",
          path: `${API}/establishments/${store.id}`,
          body: { phone: "3005550101" },
        },
      ]),
    );
    expect(results.map((r) => r.status)).toEqual([201, 403, 200]);
    expect(results[1]!.body).toMatchObject({ type: "/problems/forbidden", status: 403 });
    expect(results[2]!.body.phone).toBe("3005550101");
    expect(await count("select count(*) as n from products where sku = ?", sku)).toBe(0);
  });

  it("each operation is validated on its own, in the batch's language; a failed create blocks nothing", async () => {
    const results = await resultsOf(
      await batch(
        admin.headers,
        [
          { method: "POST", path: `${API}/products`, body: newProduct({ price: -1 }) },
          { method: "POST", path: `${API}/products`, body: newProduct() },
        ],
        { "Accept-Language": "es-CO" },
      ),
    );
    expect(results.map((r) => r.status)).toEqual([400, 201]);
    expect(results[0]!.headers["Content-Type"]).toBe("application/problem+json");
    expect(results[0]!.body.errors).toEqual([
      { path: "/price", message: "price debe ser mayor o igual que 0" },
    ]);
  });

  it("an operation the app has no route for gets its 404 or 405, and the others run", async () => {
    const { id } = await product();
    const results = await resultsOf(
      await batch(admin.headers, [
        { method: "POST", path: `${API}/no-such-things` },
        { method: "DELETE", path: `${API}/products` },
        { method: "PATCH", path: `${API}/products/${id}`, body: { price: 7 } },
      ]),
    );
    expect(results.map((r) => r.status)).toEqual([404, 405, 200]);
  });
});

describe("replaying a batch creates nothing twice", () => {
  it("the same batch twice: creates replay their first answer, PATCH and DELETE change nothing more", async () => {
    const [patched, deleted] = [await product(), await product()];
    const body = newProduct();
    const store = newEstablishment();
    const operations = [
      { method: "POST", path: `${API}/products`, body, idempotencyKey: crypto.randomUUID() },
      {
        method: "POST",
        path: `${API}/establishments`,
        body: store,
        idempotencyKey: crypto.randomUUID(),
      },
      { method: "PATCH", path: `${API}/products/${patched.id}`, body: { price: 4321 } },
      { method: "DELETE", path: `${API}/products/${deleted.id}` },
    ];
    const first = await resultsOf(await batch(admin.headers, operations));
    const again = await resultsOf(await batch(admin.headers, operations));
    expect(first.map((r) => r.status)).toEqual([201, 201, 200, 204]);
    // A DELETE of what is already gone is a 404: the same state, not the same status.
    expect(again.map((r) => r.status)).toEqual([201, 201, 200, 404]);
    for (const i of [0, 1]) {
      expect(again[i]!.headers["Idempotent-Replayed"]).toBe("true");
      expect(again[i]!.body).toEqual(first[i]!.body);
    }
    expect(again[2]!.body).toEqual(first[2]!.body);
    expect(await count("select count(*) as n from products where sku = ?", body.sku)).toBe(1);
    expect(await count("select count(*) as n from establishments where name = ?", store.name)).toBe(
      1,
    );
    const audited = (action: string, id: string) =>
      count(
        "select count(*) as n from audit_events where action = ? and entity_id = ?",
        action,
        id,
      );
    expect(await audited("product.created", first[0]!.body.id)).toBe(1);
    expect(await audited("product.updated", patched.id)).toBe(1);
    expect(await audited("product.deleted", deleted.id)).toBe(1);
  });
});

describe("a 412 carries the resource as it is now", () => {
  it("current: the server's copy, so the phone can resolve the conflict", async () => {
    const { id } = await product();
    await adminApi.patch(`/products/${id}`, { price: 999 });
    const [result] = await resultsOf(
      await batch(admin.headers, [
        { method: "PATCH", path: `${API}/products/${id}`, body: { price: 1 }, ifMatch: '"1"' },
      ]),
    );
    expect(result).toMatchObject({ status: 412, headers: { ETag: '"2"' } });
    expect(result!.body).toMatchObject({
      type: "/problems/precondition-failed",
      currentVersion: 2,
    });
    expect(result!.current).toEqual(await (await adminApi.get(`/products/${id}`)).json());
  });

  it("current is null when the path has no copy to GET", async () => {
    const { id: productId } = await product();
    const portfolio = await created<{ id: string }>(
      await adminApi.post("/portfolios", { name: `P ${crypto.randomUUID()}` }),
    );
    await adminApi.patch(`/portfolios/${portfolio.id}`, { name: `P ${crypto.randomUUID()}` });
    const [result] = await resultsOf(
      await batch(admin.headers, [
        {
          method: "PUT",
          path: `${API}/portfolios/${portfolio.id}/items/${productId}`,
          body: {},
          ifMatch: '"1"',
        },
      ]),
    );
    expect(result).toMatchObject({ status: 412, current: null });
  });
});

describe("an operation that depends on a failed one is not run (424)", () => {
  it("by an id in its path or body, transitively; unrelated ones still run", async () => {
    const seller = await actor("seller");
    const store = await created<{ id: string; version: number }>(
      await adminApi.post("/establishments", newEstablishment()),
    );
    const portfolio = await created<{ id: string }>(
      await adminApi.post("/portfolios", { name: `P ${crypto.randomUUID()}` }),
    );
    const other = await product();
    const requestId = `dep-${crypto.randomUUID()}`;
    const results = await resultsOf(
      await batch(
        admin.headers,
        [
          // Fails (stale version): names the portfolio.
          {
            method: "PATCH",
            path: `${API}/portfolios/${portfolio.id}`,
            body: { name: "X" },
            ifMatch: '"9"',
          },
          // Mentions the portfolio in its body → 424; it names the store.
          {
            method: "PATCH",
            path: `${API}/establishments/${store.id}`,
            body: { portfolioId: portfolio.id },
          },
          // Names the store → 424 (through 1); it names the seller.
          { method: "PUT", path: `${API}/establishments/${store.id}/sellers/${seller.user.id}` },
          // Names the seller → 424 (through 2).
          { method: "PATCH", path: `${API}/users/${seller.user.id}`, body: { lastName: "Z" } },
          { method: "PATCH", path: `${API}/products/${other.id}`, body: { price: 5 } },
        ],
        { "X-Request-Id": requestId },
      ),
    );
    expect(results.map((r) => [r.status, r.body?.dependsOn])).toEqual([
      [412, undefined],
      [424, 0],
      [424, 1],
      [424, 2],
      [200, undefined],
    ]);
    expect(results[1]!.headers).toEqual({ "Content-Type": "application/problem+json" });
    expect(results[1]!.body).toMatchObject({
      type: "/problems/failed-dependency",
      status: 424,
      instance: `${API}/establishments/${store.id}`,
      requestId: `${requestId}.1`,
    });
    // What was not run changed nothing.
    expect(await (await adminApi.get(`/establishments/${store.id}`)).json()).toMatchObject({
      version: store.version,
      portfolioId: null,
      sellerIds: [],
    });
    expect((await auditRowsOf(requestId)).map((row) => row.request_id)).toEqual([`${requestId}.4`]);
  });
});

describe("the batch request itself", () => {
  it("101 operations → 400, and none runs; none → 400", async () => {
    const { id } = await product();
    const op = { method: "PATCH", path: `${API}/products/${id}`, body: { price: 1 } };
    const tooMany = await expectProblem(
      await batch(admin.headers, Array(101).fill(op)),
      400,
      "validation-error",
    );
    expect(tooMany.errors).toEqual([
      { path: "/operations", message: "operations must have at most 100 items" },
    ]);
    await expectProblem(await batch(admin.headers, []), 400, "validation-error");
    expect(await (await adminApi.get(`/products/${id}`)).json()).toMatchObject({ version: 1 });
  });

  it("names every bad operation at once, at its own pointer, and runs none", async () => {
    const sku = newProduct().sku;
    const paths = [
      `${API}/batch`,
      `${API}/Batch`,
      `${API}/auth/logout-all`,
      "/products",
      `${API}/products?limit=1`,
      `${API}/%62atch`,
      `${API}/products/../batch`,
      `${API}/products/`,
    ];
    const response = await batch(admin.headers, [
      { method: "POST", path: `${API}/products`, body: newProduct({ sku }) },
      ...paths.map((path) => ({ method: "POST", path })),
      { method: "GET", path: `${API}/products` },
      { method: "POST", path: `${API}/products`, extra: 1 },
      { method: "POST", path: `${API}/products`, capturedAt: "2026-11-27 14:05" },
      {
        method: "POST",
        path: `${API}/products`,
        body: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`),
      },
    ]);
    const problem = await expectProblem(response, 400, "validation-error");
    const n = paths.length;
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual([
      ...paths.map((_, i) => `/operations/${i + 1}/path`),
      `/operations/${n + 1}/method`,
      `/operations/${n + 2}/extra`,
      `/operations/${n + 3}/capturedAt`,
      `/operations/${n + 4}/body`,
    ]);
    expect(await count("select count(*) as n from products where sku = ?", sku)).toBe(0);
  });

  it("no token, or an ended session → 401 before anything runs", async () => {
    const seller = await actor("seller");
    const body = newEstablishment();
    const ops = [{ method: "POST", path: `${API}/establishments`, body }];
    const noToken = await batch({}, ops);
    await expectProblem(noToken, 401, "unauthorized");
    expect(noToken.headers.get("WWW-Authenticate")).toBe('Bearer realm="portafolio"');
    const ended = await signIn(seller.user.email);
    await call(`${API}/auth/logout`, jsonBody({ refreshToken: ended.refreshToken }));
    const headers = { Authorization: `Bearer ${ended.accessToken}` };
    await expectProblem(await batch(headers, ops), 401, "unauthorized");
    // Also when the first operation has no route, so it never checked the session.
    await expectProblem(
      await batch(headers, [{ method: "POST", path: `${API}/nowhere` }, ...ops]),
      401,
      "unauthorized",
    );
    expect(await count("select count(*) as n from establishments where name = ?", body.name)).toBe(
      0,
    );
  });
});

describe("provenance and request ids of the operations", () => {
  it("each audit row: the operation's capturedAt, the batch's device and app version, request id <id>.<i>", async () => {
    const { id } = await product();
    const requestId = `sync-${crypto.randomUUID()}`;
    const capturedAt = new Date(Date.now() - 3_600_000).toISOString();
    const results = await resultsOf(
      await batch(
        admin.headers,
        [
          { method: "PATCH", path: `${API}/products/${id}`, body: { price: 11 }, capturedAt },
          { method: "PATCH", path: `${API}/products/${id}`, body: { price: 12 } },
          { method: "PATCH", path: `${API}/products/${id}`, body: { price: -1 } },
        ],
        { "X-Request-Id": requestId, "X-Device-Id": "phone-42", "X-App-Version": "3.4.1" },
      ),
    );
    expect(results[2]!.body.requestId).toBe(`${requestId}.2`);
    const device = { action: "product.updated", device_id: "phone-42", app_version: "3.4.1" };
    expect(await auditRowsOf(requestId)).toEqual([
      { request_id: `${requestId}.0`, captured_at: capturedAt, ...device },
      { request_id: `${requestId}.1`, captured_at: null, ...device },
    ]);
  });

  it("a batch id too long for the suffix is cut, so each operation keeps its own", async () => {
    const { id } = await product();
    const requestId = `${crypto.randomUUID()}${"x".repeat(92)}`;
    expect(requestId).toHaveLength(128);
    await resultsOf(
      await batch(admin.headers, [{ method: "DELETE", path: `${API}/products/${id}` }], {
        "X-Request-Id": requestId,
      }),
    );
    const rows = await auditRowsOf(requestId.slice(0, 126));
    expect(rows.map((row) => row.request_id)).toEqual([`${requestId.slice(0, 126)}.0`]);
  });
});
