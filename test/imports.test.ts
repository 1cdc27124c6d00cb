import { and, count, eq, inArray, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { isLostRace } from "../src/db/bulk";
import { auditEvents, changes, products } from "../src/db/schema";
import { UTF8_BOM } from "../src/lib/csv";
import { IMPORT_SYNC_ROWS } from "../src/request/import-run";
import { productImport } from "../src/routes/products/products.import";
import { client, created, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { db } from "./support/factories";
import { call, expectProblem } from "./support/http";
import { csvFile, fileErrors, imported, outcomes, sendImport } from "./support/imports";

const admin = await actor("admin");
const adminApi = client(admin.headers);

let runs = 0;
/** A prefix no other test's skus share. */
const prefix = () =>
  `IMP${(runs++).toString(36).toUpperCase()}${Date.now().toString(36).toUpperCase()}`;

const PRODUCT_HEADER = ["sku", "name", "category", "unit", "price"] as const;
const productRows = (p: string, n: number) =>
  Array.from({ length: n }, (_, i) => [`${p}-${i}`, `Producto ${i}`, "bebidas", "unit", 1000 + i]);

const skusLike = (p: string) => like(products.sku, `${p}-%`);
const countWhere = async (
  table: typeof products | typeof auditEvents | typeof changes,
  where: ReturnType<typeof eq>,
) => {
  const [row] = await db().select({ n: count() }).from(table).where(where);
  return row!.n;
};

describe("POST /imports/products", () => {
  it("creates every row of a file, with an audit and a change-log row each, and one for the import", async () => {
    const p = prefix();
    const result = await imported(
      admin.headers,
      "products",
      csvFile(PRODUCT_HEADER, productRows(p, 30)),
      {
        fileName: "catalogo.csv",
      },
    );
    expect(result.import).toMatchObject({
      status: "completed",
      dryRun: false,
      created: 30,
      rowsTotal: 30,
      rowsDone: 30,
      fileName: "catalogo.csv",
    });
    expect(result.rows).toHaveLength(30);
    expect(result.rows[0]).toMatchObject({ row: 2, outcome: "created" });
    const ids = result.rows.map((r) => r.id!);
    const stored = await db().select().from(products).where(skusLike(p));
    expect(stored).toHaveLength(30);
    expect(stored.every((s) => s.version === 1 && s.nameKey.startsWith("producto"))).toBe(true);
    expect(
      await countWhere(
        auditEvents,
        and(eq(auditEvents.action, "product.created"), inArray(auditEvents.entityId, ids))!,
      ),
    ).toBe(30);
    expect(await countWhere(changes, inArray(changes.entityId, ids))).toBe(30);
    const [importAudit] = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, result.import.id));
    expect(importAudit).toMatchObject({
      action: "import.completed",
      entityType: "import",
      actorId: admin.user.id,
    });
    expect(importAudit!.changes).toMatchObject({
      fileName: { after: "catalogo.csv" },
      created: { after: 30 },
    });
    // The products are the single-row API's own.
    const one = await adminApi.get(`/products/${ids[0]}`);
    expect(await one.json()).toMatchObject({
      sku: `${p}-0`,
      price: 1000,
      currency: "COP",
      status: "active",
    });
  });

  it("imports the same file twice: the second time every row is unchanged, with no version, audit or log row", async () => {
    const p = prefix();
    const file = csvFile(PRODUCT_HEADER, productRows(p, 20));
    const first = await imported(admin.headers, "products", file);
    const [auditsBefore, logsBefore] = [
      await countWhere(auditEvents, eq(auditEvents.action, "product.created")),
      await countWhere(changes, eq(changes.entityType, "product")),
    ];
    const second = await imported(admin.headers, "products", file);
    expect(outcomes(second)).toEqual({ unchanged: 20 });
    expect(second.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    expect(second.import).toMatchObject({ created: 0, updated: 0, unchanged: 20, rejected: 0 });
    const stored = await db().select().from(products).where(skusLike(p));
    expect(stored.every((s) => s.version === 1)).toBe(true);
    expect(await countWhere(auditEvents, eq(auditEvents.action, "product.created"))).toBe(
      auditsBefore,
    );
    expect(await countWhere(auditEvents, eq(auditEvents.action, "product.updated"))).toBe(0);
    expect(await countWhere(changes, eq(changes.entityType, "product"))).toBe(logsBefore);
  });

  it("updates only the rows whose values differ, one version and one audit row each", async () => {
    const p = prefix();
    const rows = productRows(p, 5);
    await imported(admin.headers, "products", csvFile(PRODUCT_HEADER, rows));
    rows[1]![4] = 9999;
    rows[3]![1] = "Producto renombrado";
    const result = await imported(admin.headers, "products", csvFile(PRODUCT_HEADER, rows));
    expect(result.rows.map((r) => r.outcome)).toEqual([
      "unchanged",
      "updated",
      "unchanged",
      "updated",
      "unchanged",
    ]);
    const [renamed] = await db()
      .select()
      .from(products)
      .where(eq(products.sku, `${p}-3`));
    expect(renamed).toMatchObject({
      name: "Producto renombrado",
      nameKey: "productorenombrado",
      version: 2,
    });
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "product.updated"),
          inArray(auditEvents.entityId, [result.rows[1]!.id!, result.rows[3]!.id!]),
        ),
      );
    expect(audits.map((a) => a.changes).sort()).toEqual(
      expect.arrayContaining([
        { price: { before: 1001, after: 9999 } },
        { name: { before: "Producto 3", after: "Producto renombrado" } },
      ]),
    );
    const log = await db().select().from(changes).where(eq(changes.entityId, result.rows[1]!.id!));
    expect(log.map((l) => l.version)).toEqual([1, 2]);
  });

  it("re-imports its own CSV export unchanged (round trip)", async () => {
    const p = prefix();
    await created(
      await adminApi.post(
        "/products",
        newProduct({
          sku: `${p}-A`,
          name: '=HYPERLINK("http://x")',
          description: 'Con "comillas", comas; y punto y coma',
          brand: "Doña Inés",
          price: 0,
        }),
      ),
    );
    await created(
      await adminApi.post("/products", newProduct({ sku: `${p}-B`, name: "+57 Ñame" })),
    );
    const exported = await call(`/api/v1/stats/export/products?q=${p}`, { headers: admin.headers });
    expect(exported.status).toBe(200);
    const file = await exported.text();
    expect(file).toContain("'=HYPERLINK");
    const result = await imported(admin.headers, "products", file);
    expect(outcomes(result)).toEqual({ unchanged: 2 });
  });

  it("takes Excel's `;` file with a byte order mark, accented names and a decimal comma culture", async () => {
    const p = prefix();
    const file = `${UTF8_BOM}sku;name;category;unit;price;brand\r\n${p}-1;Arepa de maíz;panadería;pack;12.500;Doña Inés\r\n${p}-2;"Café; tostado";bebidas;kg;3200;Ñandú\r\n`;
    const result = await imported(admin.headers, "products", new TextEncoder().encode(file));
    expect(outcomes(result)).toEqual({ created: 2 });
    const stored = await db().select().from(products).where(skusLike(p)).orderBy(products.sku);
    expect(stored.map((s) => [s.name, s.price, s.brand, s.category])).toEqual([
      ["Arepa de maíz", 12500, "Doña Inés", "panadería"],
      ["Café; tostado", 3200, "Ñandú", "bebidas"],
    ]);
  });

  it("keeps formula-looking cells as inert text, and exports them escaped", async () => {
    const p = prefix();
    const formulas = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@IMPORTXML(x)"];
    const rows = formulas.map((name, i) => [`${p}-${i}`, name, "bebidas", "unit", 100]);
    const result = await imported(
      admin.headers,
      "products",
      csvFile(
        PRODUCT_HEADER,
        rows.map((r) => r.map((c) => (typeof c === "string" && c.includes(",") ? `"${c}"` : c))),
      ),
    );
    expect(outcomes(result)).toEqual({ created: 4 });
    for (const [i, name] of formulas.entries()) {
      const response = await adminApi.get(`/products/${result.rows[i]!.id}`);
      expect(((await response.json()) as { name: string }).name).toBe(name);
    }
    const exported = await (
      await call(`/api/v1/stats/export/products?q=${p}`, { headers: admin.headers })
    ).text();
    for (const name of formulas) expect(exported).toContain(`'${name.split(",")[0]}`);
  });

  it("dry run of 1,000 good rows and 17 bad ones reports all 17 with row and column, and writes no product", async () => {
    const p = prefix();
    const rows: unknown[][] = productRows(p, 1017);
    const bad = new Map<number, string>();
    const breakRow = (i: number, column: number, value: unknown, name: string) => {
      rows[i]![column] = value;
      bad.set(i + 2, name);
    };
    for (let k = 0; k < 17; k++) {
      const i = k * 59 + 3;
      if (k % 4 === 0) breakRow(i, 4, -5, "price");
      else if (k % 4 === 1) breakRow(i, 3, "barril", "unit");
      else if (k % 4 === 2) breakRow(i, 1, null, "name");
      else breakRow(i, 0, "sku con espacios", "sku");
    }
    const file = csvFile(PRODUCT_HEADER, rows);
    const dry = await imported(admin.headers, "products", file, {
      dryRun: true,
      extra: { "Accept-Language": "es" },
    });
    expect(dry.import).toMatchObject({
      dryRun: true,
      status: "completed",
      created: 1000,
      rejected: 17,
    });
    const rejected = dry.rows.filter((r) => r.outcome === "rejected");
    expect(rejected.map((r) => [r.row, r.errors![0]!.column])).toEqual([...bad]);
    expect(rejected.find((r) => r.errors![0]!.column === "name")!.errors![0]!.message).toBe(
      "name es obligatorio",
    );
    expect(await countWhere(products, skusLike(p))).toBe(0);

    // For real: all or nothing, so nothing is written and every error is named.
    const errors = await fileErrors(await sendImport(admin.headers, "products", file));
    expect(errors.map((e) => e.path)).toEqual([...bad].map(([row, column]) => `/${row}/${column}`));
    expect(await countWhere(products, skusLike(p))).toBe(0);
    // Its record says nothing was written, in the reader's language, with the rows to fix.
    const [refused] = (
      (await (await adminApi.get("/imports?limit=1", { "Accept-Language": "es" })).json()) as {
        data: Record<string, unknown>[];
      }
    ).data;
    expect(refused).toMatchObject({
      status: "failed",
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 17,
      error: "17 de 1017 filas no son válidas; no se escribió nada",
    });
    const toFix = (await (
      await adminApi.get(`/imports/${refused!.id}/rows?limit=1000`)
    ).json()) as {
      data: unknown[];
    };
    expect(toFix.data).toHaveLength(17);
  });
});

describe("D1's production limits", () => {
  /**
   * What D1 enforces in production but not locally (developers.cloudflare.com/d1/platform/
   * limits): 100 bound parameters and 100,000 bytes of SQL per statement, 2,000,000 bytes
   * per value, and 1,000 queries per invocation on Workers Paid (50 on Free).
   */
  const LIMITS = { params: 100, sqlBytes: 100_000, valueBytes: 2_000_000, freeQueries: 50 };
  const bytes = (text: string) => new TextEncoder().encode(text).length;

  it("a 5,000-row file's whole batch fits them, even Workers Free's 50 queries", async () => {
    const p = prefix();
    // Long accented text: the heaviest rows a product can be (every field near its maximum).
    const rows = Array.from({ length: IMPORT_SYNC_ROWS }, (_, i) => ({
      row: i + 2,
      record: {
        sku: `${p}-${i}`,
        name: `Ñ${"á".repeat(148)}${i % 10}`,
        description: "é".repeat(2000),
        category: "ó".repeat(80),
        brand: "ú".repeat(80),
        unit: "unit",
        price: 1000 + i,
      },
    }));
    const ctx = {
      db: db(),
      source: {
        actorId: admin.user.id,
        requestId: "limits",
        ip: null,
        userAgent: null,
        provenance: { capturedAt: null, deviceId: null, appVersion: null },
      },
      at: new Date().toISOString(),
    };
    const plan = await productImport.plan(ctx, rows);
    expect(plan.results.every((r) => r.outcome === "created")).toBe(true);
    // The request's reads (one batch of 3) and its record (import row, outcomes, audit) ride too.
    const statements = plan.writes.map((w) =>
      (w as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL(),
    );
    expect(statements.length + 3 + 4).toBeLessThanOrEqual(LIMITS.freeQueries);
    for (const { sql, params } of statements) {
      expect(params.length).toBeLessThanOrEqual(LIMITS.params);
      expect(bytes(sql)).toBeLessThan(LIMITS.sqlBytes);
      for (const param of params)
        if (typeof param === "string") expect(bytes(param)).toBeLessThan(LIMITS.valueBytes);
    }
    // And it runs as one atomic batch.
    await db().batch(plan.writes as never);
    expect(await countWhere(products, skusLike(p))).toBe(IMPORT_SYNC_ROWS);
  });
});

describe("imports racing other writes", () => {
  it("the same file sent 10 times at once creates each product once", async () => {
    const p = prefix();
    const file = csvFile(PRODUCT_HEADER, productRows(p, 40));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => imported(admin.headers, "products", file)),
    );
    const created = results.reduce((sum, r) => sum + r.import.created, 0);
    const unchanged = results.reduce((sum, r) => sum + r.import.unchanged, 0);
    expect([created, unchanged]).toEqual([40, 9 * 40]);
    expect(await countWhere(products, skusLike(p))).toBe(40);
    const ids = (await db().select({ id: products.id }).from(products).where(skusLike(p))).map(
      (r) => r.id,
    );
    expect(await countWhere(auditEvents, inArray(auditEvents.entityId, ids))).toBe(40);
  });

  it("a write between an import's plan and its batch aborts the whole batch (planned again, it applies on top)", async () => {
    const p = prefix();
    await imported(admin.headers, "products", csvFile(PRODUCT_HEADER, productRows(p, 3)));
    const rows = productRows(p, 3).map((cells, i) => ({
      row: i + 2,
      record: Object.fromEntries(PRODUCT_HEADER.map((h, k) => [h, k === 4 ? 5000 + i : cells[k]])),
    }));
    const ctx = {
      db: db(),
      source: {
        actorId: admin.user.id,
        requestId: "race",
        ip: null,
        userAgent: null,
        provenance: { capturedAt: null, deviceId: null, appVersion: null },
      },
      at: new Date().toISOString(),
    };
    const plan = await productImport.plan(ctx, rows);
    expect(plan.results.map((r) => r.outcome)).toEqual(["updated", "updated", "updated"]);
    // Someone renames product 1 meanwhile: its version moves on.
    const [one] = await db()
      .select()
      .from(products)
      .where(eq(products.sku, `${p}-1`));
    expect((await adminApi.patch(`/products/${one!.id}`, { name: "Renombrado" })).status).toBe(200);
    await expect(db().batch(plan.writes as never)).rejects.toSatisfy(isLostRace);
    const prices = await db()
      .select({ price: products.price })
      .from(products)
      .where(skusLike(p))
      .orderBy(products.sku);
    expect(prices.map((r) => r.price)).toEqual([1000, 1001, 1002]);
    expect(await countWhere(auditEvents, eq(auditEvents.requestId, "race"))).toBe(0);
  });
});

describe("what an import refuses", () => {
  it("only admins may import", async () => {
    for (const role of ["seller", "support", "analyst"] as const) {
      const other = await actor(role);
      const response = await sendImport(
        other.headers,
        "products",
        csvFile(PRODUCT_HEADER, productRows(prefix(), 1)),
      );
      await expectProblem(response, 403, "forbidden");
    }
  });

  it("answers 415 to a body that is neither CSV nor NDJSON, and 400 to unknown or missing columns", async () => {
    await expectProblem(
      await sendImport(admin.headers, "products", "{}", { type: "application/json" }),
      415,
      "unsupported-media-type",
    );
    await expectProblem(
      await sendImport(admin.headers, "products", "a", { type: "text/csv; charset=latin1" }),
      415,
      "unsupported-media-type",
    );
    const unknown = await fileErrors(
      await sendImport(admin.headers, "products", "sku,name,password\r\nA,B,C\r\n"),
    );
    expect(unknown.map((e) => e.path)).toEqual(["/1/password"]);
    const keyless = await fileErrors(
      await sendImport(admin.headers, "products", "name,price\r\nA,1\r\n"),
    );
    expect(keyless[0]!.path).toBe("/1/id");
    await expectProblem(await sendImport(admin.headers, "products", ""), 400, "validation-error");
  });

  it("rejects a key repeated within a file, naming the first row", async () => {
    const p = prefix();
    const response = await sendImport(
      admin.headers,
      "products",
      csvFile(PRODUCT_HEADER, [
        [`${p}-1`, "A", "x", "unit", 1],
        [`${p}-1`, "B", "x", "unit", 2],
      ]),
    );
    expect(await fileErrors(response)).toEqual([{ path: "/3/sku", message: "repeats row 2" }]);
  });

  it("reads NDJSON, reporting each bad line and unknown field", async () => {
    const p = prefix();
    const lines = [
      JSON.stringify({ sku: `${p}-1`, name: "Uno", category: "x", unit: "unit", price: 1 }),
      "{not json",
      JSON.stringify({
        sku: `${p}-2`,
        name: "Dos",
        category: "x",
        unit: "unit",
        price: 2,
        color: "red",
      }),
      "",
      JSON.stringify({
        sku: `${p}-3`,
        name: "Tres",
        category: "x",
        unit: "unit",
        price: 3,
        version: 7,
      }),
    ].join("\n");
    const dry = await imported(admin.headers, "products", lines, {
      type: "application/x-ndjson",
      dryRun: true,
    });
    expect(dry.rows.map((r) => [r.row, r.outcome, r.errors?.[0]?.column ?? null])).toEqual([
      [1, "created", null],
      [2, "rejected", null],
      [3, "rejected", "color"],
      [5, "created", null],
    ]);
  });
});
