import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestSession } from "../src/db/request-session";
import { products } from "../src/db/schema";
import { restoreText } from "../src/lib/csv";
import { EXPORT_PAGE_SIZE } from "../src/routes/stats/export.handlers";
import { type Client, client, created, newEstablishment, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { csvObjects, parseCsv } from "./support/csv";
import { db, insertProducts } from "./support/factories";
import { call, expectProblem } from "./support/http";

const admin = await actor("admin");
const analyst = await actor("analyst");
const adminApi = client(admin.headers);
const analystApi = client(analyst.headers);

afterEach(() => {
  vi.restoreAllMocks();
});

const token = () => crypto.randomUUID().slice(0, 8);
const today = () => new Date().toISOString().slice(0, 10);

/** Asserts a CSV download of `name` and returns its bytes. */
async function download(response: Response, name: string) {
  const before = today();
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  // The request's UTC date: whichever side of midnight the test ran, never a fixed day.
  const disposition = response.headers.get("Content-Disposition");
  expect([before, today()].map((day) => `attachment; filename="${name}-${day}.csv"`)).toContain(
    disposition,
  );
  expect(response.headers.get("X-Request-Id")).toBeTruthy();
  return new Uint8Array(await response.arrayBuffer());
}

const text = (bytes: Uint8Array) =>
  new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);

/** The CSV field a JSON value of the resource becomes (text as read back). */
const fieldOf = (value: unknown) =>
  value === null ? null : Array.isArray(value) ? value.join(" ") : String(value);

/** Each record, with its text cells restored (the ' before a formula-like text dropped). */
const restored = (records: Record<string, string | null>[]) =>
  records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([name, field]) => [
        name,
        field === null ? null : restoreText(field),
      ]),
    ),
  );

/** Numbers are written bare, never with a ' (they read back as they were). */
function expectSameRows(records: Record<string, string | null>[], json: Record<string, unknown>[]) {
  expect(records).toHaveLength(json.length);
  const back = restored(records);
  json.forEach((resource, i) => {
    for (const [field, value] of Object.entries(resource)) {
      if (typeof value === "number") expect(records[i]![field], field).toBe(String(value));
      else expect(back[i]![field], field).toBe(fieldOf(value));
    }
  });
}

const listOf = async (api: Client, path: string) =>
  ((await (await api.get(path)).json()) as { data: Record<string, unknown>[] }).data;

describe("GET /stats/export/products", () => {
  const category = `export-${token()}`;
  const tricky = [
    { name: 'Ñandú, "el bueno"', description: "línea 1\r\nlínea 2, con coma" },
    { name: "@cliente", brand: '=HYPERLINK("http://evil.example")' },
    { name: "Gaseosa", brand: "+57", description: "-20% los lunes", gtin: null },
  ];

  it("writes the list's products as CSV: its field names as header, every value read back", async () => {
    await created(await adminApi.post("/products", newProduct({ category, brand: "Postobón" })));
    for (const overrides of tricky) await insertProducts(1, { category, ...overrides });
    const gone = await created<{ id: string }>(
      await adminApi.post("/products", newProduct({ category })),
    );
    expect((await adminApi.delete(`/products/${gone.id}`)).status).toBe(204);

    const bytes = await download(
      await analystApi.get(`/stats/export/products?category=${category}`),
      "products",
    );
    const csv = text(bytes);
    const json = await listOf(adminApi, `/products?category=${category}&sort=createdAt`);
    expect(json).toHaveLength(4);
    expect(parseCsv(csv)[0]).toEqual(Object.keys(json[0]!));
    expectSameRows(csvObjects(csv), json);
    expect(csv).not.toContain(gone.id);

    // As written: quoted where RFC 4180 says, a ' before formula-like text, numbers bare.
    expect(csv).toContain('"Ñandú, ""el bueno"""');
    expect(csv).toContain('"línea 1\r\nlínea 2, con coma"');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).toContain(",'+57,");
    expect(csv).toContain(",'-20% los lunes,");
    expect(csv).toContain(",'@cliente,");
    expect(csv).toMatch(/\r\n$/);
    expect(csv.split("\r\n").every((line) => !line.includes("\n"))).toBe(true);
  });

  it("is UTF-8 with no byte order mark; ?bom=true adds one and changes nothing else", async () => {
    const plain = await download(
      await analystApi.get(`/stats/export/products?category=${category}`),
      "products",
    );
    const withBom = await download(
      await analystApi.get(`/stats/export/products?category=${category}&bom=true`),
      "products",
    );
    expect([...plain.slice(0, 3)]).toEqual([...new TextEncoder().encode("id,")]);
    expect([...withBom.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect([...withBom.slice(3)]).toEqual([...plain]);
    // Ñ is two bytes, C3 91, as UTF-8 writes it.
    const at = plain.findIndex((byte, i) => byte === 0xc3 && plain[i + 1] === 0x91);
    expect(at).toBeGreaterThan(0);
    const bomFalse = await download(
      await analystApi.get(`/stats/export/products?category=${category}&bom=false`),
      "products",
    );
    expect([...bomFalse]).toEqual([...plain]);
  });

  it("filters as the list does: ?status=inactive", async () => {
    const own = `export-${token()}`;
    await created(await adminApi.post("/products", newProduct({ category: own })));
    const inactive = await created<{ id: string }>(
      await adminApi.post("/products", newProduct({ category: own, status: "inactive" })),
    );
    const csv = text(
      await download(
        await adminApi.get(`/stats/export/products?category=${own}&status=inactive`),
        "products",
      ),
    );
    expect(csvObjects(csv).map((record) => [record.id, record.status])).toEqual([
      [inactive.id, "inactive"],
    ]);
  });

  it("a bad filter is a 400 problem, before any byte of CSV", async () => {
    const response = await analystApi.get("/stats/export/products?status=paused");
    const problem = await expectProblem(response, 400, "validation-error");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "query.status" })]);
    await expectProblem(
      await analystApi.get("/stats/export/products?bom=yes"),
      400,
      "validation-error",
    );
    await expectProblem(
      await analystApi.get("/stats/export/products?updatedSince=yesterday"),
      400,
      "validation-error",
    );
  });
});

describe("GET /stats/export/establishments", () => {
  it("filters by place as the list does (?department=05), sellers as ids, numbers bare", async () => {
    const name = `Tienda Export ${token()}`;
    const code = `MDE/${token()}`;
    const medellin = await created<{ id: string }>(
      await adminApi.post(
        "/establishments",
        newEstablishment({
          name: `${name} Medellín`,
          code,
          latitude: 6.2447,
          longitude: -75.5906,
        }),
      ),
    );
    const bogota = await created<{ id: string }>(
      await adminApi.post(
        "/establishments",
        newEstablishment({ name: `${name} Bogotá`, city: "11001", department: "11" }),
      ),
    );
    const sellers = [(await actor("seller")).user.id, (await actor("seller")).user.id].sort();
    for (const seller of sellers) {
      expect(
        (await adminApi.put(`/establishments/${medellin.id}/sellers/${seller}`, undefined)).status,
      ).toBeLessThan(300);
    }

    for (const department of ["05", "antioquia"]) {
      const csv = text(
        await download(
          await analystApi.get(
            `/stats/export/establishments?department=${department}&q=${encodeURIComponent(name)}`,
          ),
          "establishments",
        ),
      );
      const json = await listOf(
        adminApi,
        `/establishments?department=05&q=${encodeURIComponent(name)}&sort=createdAt`,
      );
      expect(json.map((store) => store.id)).toEqual([medellin.id]);
      expect(parseCsv(csv)[0]).toEqual(Object.keys(json[0]!));
      expectSameRows(csvObjects(csv), json);
      const [record] = csvObjects(csv);
      expect(record!.sellerIds).toBe(sellers.join(" "));
      expect(record!.longitude).toBe("-75.5906");
      expect(record!.code).toBe(code);
      expect(csv).not.toContain(bogota.id);
    }
  });

  it("has the store's code as a column, and takes the list's ?code= filter", async () => {
    const code = `T-${token()}`;
    const store = await created<{ id: string }>(
      await adminApi.post("/establishments", newEstablishment({ code })),
    );
    await created(await adminApi.post("/establishments", newEstablishment({ code: `${code}0` })));
    const csv = text(
      await download(
        await analystApi.get(`/stats/export/establishments?code=${code}`),
        "establishments",
      ),
    );
    expect(parseCsv(csv)[0]).toContain("code");
    expect(csvObjects(csv).map((record) => [record.id, record.code])).toEqual([[store.id, code]]);
  });

  it("a department that is no place is a 400 problem, before any byte of CSV", async () => {
    const problem = await expectProblem(
      await analystApi.get("/stats/export/establishments?department=atlantida"),
      400,
      "validation-error",
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: "query.department" })]);
  });
});

describe("GET /stats/export/portfolio-items", () => {
  it("writes the items of live portfolios with their portfolio's id; ?portfolioId narrows", async () => {
    const [first, second, deleted] = await Promise.all(
      [0, 1, 2].map(async () =>
        created<{ id: string }>(await adminApi.post("/products", newProduct())),
      ),
    );
    const portfolio = await created<{ id: string }>(
      await adminApi.post("/portfolios", {
        name: `Export ${token()}`,
        items: [
          { productId: first!.id, price: 2300 },
          { productId: second!.id },
          { productId: deleted!.id },
        ],
      }),
    );
    const gone = await created<{ id: string }>(
      await adminApi.post("/portfolios", {
        name: `Export ${token()}`,
        items: [{ productId: first!.id }],
      }),
    );
    expect((await adminApi.delete(`/portfolios/${gone.id}`)).status).toBe(204);
    // A listed product cannot be deleted through the API: this one was, before that rule.
    await db()
      .update(products)
      .set({ deletedAt: new Date().toISOString() })
      .where(eq(products.id, deleted!.id));

    const csv = text(
      await download(
        await analystApi.get(`/stats/export/portfolio-items?portfolioId=${portfolio.id}`),
        "portfolio-items",
      ),
    );
    const items = await listOf(adminApi, `/portfolios/${portfolio.id}/items`);
    expect(items).toHaveLength(2);
    expect(parseCsv(csv)[0]).toEqual(["portfolioId", ...Object.keys(items[0]!)]);
    const byProduct = (rows: Record<string, unknown>[]) =>
      [...rows].sort((a, b) => String(a.productId).localeCompare(String(b.productId)));
    expectSameRows(
      byProduct(csvObjects(csv)) as Record<string, string | null>[],
      byProduct(items).map((item) => ({ portfolioId: portfolio.id, ...item })),
    );
    expect(csv).not.toContain(deleted!.id);

    const all = text(
      await download(await analystApi.get("/stats/export/portfolio-items"), "portfolio-items"),
    );
    const ids = csvObjects(all).map((record) => record.portfolioId);
    expect(ids).toContain(portfolio.id);
    expect(ids).not.toContain(gone.id);
  });
});

describe("GET /stats/export/users", () => {
  it("writes users as GET /users/{id} shows them: no password hash, no retired lock columns", async () => {
    const support = await actor("support", { lastName: 'Pérez, "la de soporte"' });
    const csv = text(
      await download(await adminApi.get("/stats/export/users?role=support"), "users"),
    );
    const json = (await (await adminApi.get(`/users/${support.user.id}`)).json()) as Record<
      string,
      unknown
    >;
    const header = parseCsv(csv)[0]!;
    expect(header).toEqual(Object.keys(json));
    for (const secret of ["passwordHash", "failedLoginCount", "lockedUntil"]) {
      expect(header).not.toContain(secret);
    }
    expect(csv).not.toContain(support.user.passwordHash);
    expect(csv).not.toContain(admin.user.passwordHash);
    const records = csvObjects(csv);
    expect(records.every((record) => record.role === "support")).toBe(true);
    const mine = records.filter((record) => record.id === support.user.id);
    expectSameRows(mine, [json]);
  });

  it("is an analyst's too (the sales force for the BI tool), still without a secret", async () => {
    const support = await actor("support");
    const response = await analystApi.get("/stats/export/users?role=support");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(support.user.email);
    expect(text).not.toContain(support.user.passwordHash);
    expect(text).not.toMatch(/passwordHash|failedLoginCount|lockedUntil/);
  });
});

describe("GET /stats/export/audit-events", () => {
  it("writes the audit trail as the list filters it, oldest first, with changes as JSON text", async () => {
    const requestId = `export-audit-${crypto.randomUUID()}`;
    const product = (await (
      await adminApi.post(
        "/products",
        { ...newProduct(), name: "=cmd|' /C calc'!A0" },
        {
          "X-Request-Id": requestId,
        },
      )
    ).json()) as { id: string };
    await adminApi.patch(`/products/${product.id}`, { price: 4321 }, { "X-Request-Id": requestId });
    const csv = text(
      await download(
        await analystApi.get(`/stats/export/audit-events?requestId=${requestId}`),
        "audit-events",
      ),
    );
    const records = csvObjects(csv);
    expect(parseCsv(csv)[0]).toEqual([
      "id",
      "occurredAt",
      "actorId",
      "actorEmail",
      "action",
      "entityType",
      "entityId",
      "changes",
      "requestId",
      "ip",
      "userAgent",
      "capturedAt",
      "deviceId",
      "appVersion",
    ]);
    expect(records.map((r) => r.action)).toEqual(["product.created", "product.updated"]);
    expect(records[0]).toMatchObject({ entityId: product.id, actorEmail: admin.user.email });
    expect(JSON.parse(records[1]!.changes!)).toEqual({ price: { before: 2500, after: 4321 } });
    // The list agrees, newest first.
    const listed = (await (await adminApi.get(`/audit-events?requestId=${requestId}`)).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((e) => e.id)).toEqual(records.map((r) => r.id).reverse());
  });

  it("refuses a bad filter before the first byte: 400 problem", async () => {
    await expectProblem(
      await analystApi.get(
        "/stats/export/audit-events?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
      ),
      400,
      "validation-error",
    );
  });
});

describe("who may export", () => {
  const exports = ["products", "establishments", "portfolio-items", "users", "audit-events"];

  it("a seller and support staff get 403 on every export; no token gets 401", async () => {
    for (const role of ["seller", "support"] as const) {
      const api = client((await actor(role)).headers);
      for (const name of exports) {
        await expectProblem(await api.get(`/stats/export/${name}`), 403, "forbidden");
      }
    }
    for (const name of exports) {
      await expectProblem(await call(`/api/v1/stats/export/${name}`), 401, "unauthorized");
    }
  });

  it("an ended session is a 401 problem, not a 200: the first page carries the session guard", async () => {
    const signedOut = await actor("analyst");
    const api = client(signedOut.headers);
    expect((await api.post("/auth/logout-all", {})).status).toBe(204);
    const response = await api.get("/stats/export/products");
    await expectProblem(response, 401, "unauthorized");
  });

  it("an export that does not exist is a 404 problem", async () => {
    await expectProblem(await analystApi.get("/stats/export/invoices"), 404, "not-found");
  });
});

describe("a 10,000-row export", () => {
  const category = `export-10k-${token()}`;
  const ROWS = 10_000;
  const PAGES = ROWS / EXPORT_PAGE_SIZE;

  /** Counts D1 round trips of every request from now on (src/db/request-session.ts). */
  function countRoundTrips(fail?: (trip: number) => Error | undefined) {
    const send = RequestSession.prototype.send;
    const count = { trips: 0 };
    vi.spyOn(RequestSession.prototype, "send").mockImplementation(function (
      this: RequestSession,
      ...args: Parameters<RequestSession["send"]>
    ) {
      count.trips += 1;
      const error = fail?.(count.trips);
      return error ? Promise.reject(error) : send.apply(this, args);
    } as never);
    return count;
  }

  it("streams: the answer comes after one page, each next page is read when the client reads", {
    timeout: 120_000,
  }, async () => {
    await insertProducts(ROWS, { category });
    const started = performance.now();
    const count = countRoundTrips();
    const response = await analystApi.get(`/stats/export/products?category=${category}`);
    expect(response.status).toBe(200);
    // One round trip before the answer: the first page, carrying the session guard.
    expect(response.headers.get("Server-Timing")).toMatch(/^d1;desc="1 round trips"/);
    expect(count.trips).toBe(1);

    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let csv = "";
    const tripsAtChunk: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      tripsAtChunk.push(count.trips);
      csv += decoder.decode(value, { stream: true });
    }
    const seconds = (performance.now() - started) / 1000;
    // Chunk k came after exactly k round trips: nothing was read ahead of the client.
    expect(tripsAtChunk).toEqual(Array.from({ length: PAGES }, (_, k) => k + 1));
    expect(count.trips).toBe(PAGES);

    const records = csvObjects(csv);
    const expected = await db()
      .select({ id: products.id })
      .from(products)
      .where(eq(products.category, category))
      .orderBy(asc(products.createdAt), asc(products.id));
    expect(records.map((record) => record.id)).toEqual(expected.map((row) => row.id));
    expect(new Set(records.map((record) => record.id)).size).toBe(ROWS);
    console.log(
      `export of ${ROWS} rows: ${tripsAtChunk.length} chunks, ${count.trips} D1 round trips, ` +
        `${csv.length} characters, ${seconds.toFixed(2)} s, ${Math.round(ROWS / seconds)} rows/s`,
    );
  });

  it("a client that stops reading stops the reads", async () => {
    const count = countRoundTrips();
    const response = await analystApi.get(`/stats/export/products?category=${category}`);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    expect(count.trips).toBe(2);
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count.trips).toBe(2);
  });

  it("D1 failing mid-stream cuts the download off (no quiet short file) and is logged", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => logged.push(line));
    const count = countRoundTrips((trip) =>
      trip === 3 ? new Error("D1_ERROR: Network connection lost") : undefined,
    );
    const response = await analystApi.get(`/stats/export/products?category=${category}`, {
      "X-Request-Id": "export-cut-off",
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    expect((await reader.read()).done).toBe(false);
    await expect(reader.read()).rejects.toThrow(/cut off/);
    expect(count.trips).toBe(3);
    const line = JSON.parse(logged.find((entry) => entry.includes("export cut off"))!);
    expect(line).toMatchObject({
      level: "error",
      requestId: "export-cut-off",
      path: "/api/v1/stats/export/products",
      rowsSent: 2 * EXPORT_PAGE_SIZE,
      reason: "D1_ERROR: Network connection lost",
    });
  });
});
