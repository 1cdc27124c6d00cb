import { and, count, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  auditEvents,
  changes,
  establishmentSellers,
  establishments,
  portfolios,
  users,
} from "../src/db/schema";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, createUser, login } from "./support/auth";
import { db } from "./support/factories";
import { call } from "./support/http";
import { csvFile, imported, outcomes, sendImport } from "./support/imports";

const admin = await actor("admin");
const support = await actor("support");
const adminApi = client(admin.headers);

let runs = 0;
const tag = () => `T${(runs++).toString(36)}${Date.now().toString(36)}`.toUpperCase();

async function products(n: number, overrides: Record<string, unknown> = {}) {
  const made: { id: string; sku: string; price: number }[] = [];
  for (let i = 0; i < n; i++)
    made.push(await created(await adminApi.post("/products", newProduct(overrides))));
  return made;
}

const versionOf = async (table: typeof portfolios | typeof establishments, id: string) => {
  const [row] = await db().select({ version: table.version }).from(table).where(eq(table.id, id));
  return row!.version;
};

describe("POST /imports/establishments", () => {
  const HEADER = [
    "code",
    "name",
    "kind",
    "address",
    "city",
    "department",
    "latitude",
    "longitude",
    "portfolioId",
  ];

  it("creates stores by their code, in DANE's places however written, then finds them again", async () => {
    const t = tag();
    const portfolio = await created<{ id: string }>(
      await adminApi.post("/portfolios", { name: `Portafolio ${t}` }),
    );
    const file = `${["code", "name", "kind", "address", "city", "department", "latitude", "longitude", "portfolioId"].join(";")}\r\n${[
      [
        `${t}-1`,
        "Droguería Doña Inés",
        "Droguería",
        "Cra 45 # 10-20",
        "medellin",
        "ANTIOQUIA",
        "6,2447",
        "-75,5906",
        portfolio.id,
      ],
      [`${t}-2`, "Tienda El Ñato", "tienda", "Calle 1", "11001", "11", "", "", ""],
    ]
      .map((r) => r.join(";"))
      .join("\r\n")}\r\n`;
    const first = await imported(admin.headers, "establishments", file);
    expect(outcomes(first)).toEqual({ created: 2 });
    const stored = await db()
      .select()
      .from(establishments)
      .where(
        inArray(
          establishments.id,
          first.rows.map((r) => r.id!),
        ),
      )
      .orderBy(establishments.code);
    expect(
      stored.map((s) => [
        s.code,
        s.kind,
        s.city,
        s.cityCode,
        s.department,
        s.latitude,
        s.longitude,
        s.portfolioId,
        s.nameKey,
      ]),
    ).toEqual([
      [
        `${t}-1`,
        "drogueria",
        "Medellín",
        "05001",
        "Antioquia",
        6.2447,
        -75.5906,
        portfolio.id,
        "drogueriadonaines",
      ],
      [
        `${t}-2`,
        "tienda",
        "Bogotá, D.C.",
        "11001",
        "Bogotá, D.C.",
        null,
        null,
        null,
        "tiendaelnato",
      ],
    ]);
    expect(outcomes(await imported(admin.headers, "establishments", file))).toEqual({
      unchanged: 2,
    });
    // Its export (ids, codes, DANE's names and codes, sellerIds) imports unchanged.
    const exported = await (
      await call(`/api/v1/stats/export/establishments?code=${t}-1`, { headers: admin.headers })
    ).text();
    expect(exported.split("\r\n")[0]).toContain("code");
    expect(outcomes(await imported(admin.headers, "establishments", exported))).toEqual({
      unchanged: 1,
    });
    // A change by code is an update of that store, with its change-log row.
    const moved = await imported(
      admin.headers,
      "establishments",
      csvFile(["code", "address"], [[`${t}-2`, "Calle 2"]]),
    );
    expect(moved.rows[0]).toMatchObject({ outcome: "updated", id: first.rows[1]!.id });
    const log = await db().select().from(changes).where(eq(changes.entityId, first.rows[1]!.id!));
    expect(log.map((l) => l.version)).toEqual([1, 2]);
  });

  it("matches by taxId when a row has no code, and rejects places, portfolios and codes it cannot take", async () => {
    const t = tag();
    const store = await created<{ id: string; taxId: string }>(
      await adminApi.post("/establishments", newEstablishment({ taxId: "800197268" })),
    );
    const result = await imported(
      admin.headers,
      "establishments",
      csvFile(["taxId", "name"], [["800.197.268-4", "Renombrada"]]),
    );
    expect(result.rows[0]).toMatchObject({ outcome: "updated", id: store.id });
    const response = await sendImport(
      admin.headers,
      "establishments",
      csvFile(HEADER, [
        [`${t}-A`, "A", "tienda", "x", "Springfield", "Antioquia", null, null, null],
        [
          `${t}-B`,
          "B",
          "tienda",
          "x",
          "Cali",
          "Valle del Cauca",
          null,
          null,
          "0193b6e2-0000-7000-8000-000000000000",
        ],
        ["no es código", "C", "tienda", "x", "Cali", "Valle del Cauca", null, null, null],
        [null, "D", "tienda", "x", "Cali", "Valle del Cauca", null, null, null],
      ]),
      { extra: { "Accept-Language": "es" } },
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual([
      "/2/city",
      "/3/portfolioId",
      "/4/code",
      "/5/code",
    ]);
    expect(problem.errors[3]!.message).toBe("uno de id, code, taxId es obligatorio");
  });
});

describe("POST /imports/portfolio-items", () => {
  it("adds, updates and leaves items as the file says, one portfolio version for the whole file", async () => {
    const [a, b, c] = await products(3);
    const portfolio = await created<{ id: string; name: string }>(
      await adminApi.post("/portfolios", {
        name: `Portafolio ${tag()}`,
        items: [{ productId: a!.id, price: 900 }],
      }),
    );
    const file = csvFile(
      ["portfolioName", "sku", "price", "position"],
      [
        [portfolio.name, a!.sku, 900, 0], // as it is
        [portfolio.name, b!.sku, null, null], // new, list price, at the end
        [portfolio.name, c!.sku, 1500, 7], // new, its own price and place
      ],
    );
    const result = await imported(admin.headers, "portfolio-items", file);
    expect(result.rows.map((r) => [r.outcome, r.id])).toEqual([
      ["unchanged", a!.id],
      ["created", b!.id],
      ["created", c!.id],
    ]);
    expect(await versionOf(portfolios, portfolio.id)).toBe(2);
    const items = (await (await adminApi.get(`/portfolios/${portfolio.id}/items`)).json()) as {
      data: Record<string, unknown>[];
    };
    expect(
      items.data.map((i: Record<string, unknown>) => [i.productId, i.price, i.position]),
    ).toEqual([
      [a!.id, 900, 0],
      [b!.id, null, 1],
      [c!.id, 1500, 7],
    ]);
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.entityId, portfolio.id), eq(auditEvents.action, "portfolio.item_added")),
      );
    expect(audits).toHaveLength(2);
    const log = await db().select().from(changes).where(eq(changes.portfolioId, portfolio.id));
    expect(
      log
        .filter((l) => l.version === 2)
        .map((l) => l.entityId)
        .sort(),
    ).toEqual([b!.id, c!.id].sort());
    // The items export imports unchanged.
    const exported = await (
      await call(`/api/v1/stats/export/portfolio-items?portfolioId=${portfolio.id}`, {
        headers: admin.headers,
      })
    ).text();
    expect(outcomes(await imported(admin.headers, "portfolio-items", exported))).toEqual({
      unchanged: 3,
    });
    expect(await versionOf(portfolios, portfolio.id)).toBe(2);
    // A price change is an update of that item only.
    const repriced = await imported(
      admin.headers,
      "portfolio-items",
      csvFile(["portfolioId", "productId", "price"], [[portfolio.id, b!.id, 2000]]),
    );
    expect(outcomes(repriced)).toEqual({ updated: 1 });
    expect(await versionOf(portfolios, portfolio.id)).toBe(3);
  });

  it("rejects unknown portfolios and products, and inactive products for new items", async () => {
    const [inactive] = await products(1, { status: "inactive" });
    const portfolio = await created<{ id: string; name: string }>(
      await adminApi.post("/portfolios", { name: `Portafolio ${tag()}` }),
    );
    const response = await sendImport(
      admin.headers,
      "portfolio-items",
      csvFile(
        ["portfolioName", "sku", "price"],
        [
          ["No existe", inactive!.sku, 1],
          [portfolio.name, "NO-SUCH-SKU", 1],
          [portfolio.name, inactive!.sku, 1],
          [portfolio.name, inactive!.sku, -3],
        ],
      ),
      { dryRun: true, extra: { "Accept-Language": "es" } },
    );
    const result = (await response.json()) as Awaited<ReturnType<typeof imported>>;
    expect(result.rows.map((r) => [r.row, r.errors!.map((e) => e.column)])).toEqual([
      [2, ["portfolioName"]],
      [3, ["sku"]],
      [4, ["sku"]],
      [5, ["price"]],
    ]);
    expect(result.rows[2]!.errors![0]!.message).toBe(
      "un producto inactivo no se puede agregar a un portafolio",
    );
  });
});

describe("POST /imports/seller-assignments", () => {
  it("puts sellers on routes by store and seller email, once, bumping each store once", async () => {
    const sellers = [await createUser({ role: "seller" }), await createUser({ role: "seller" })];
    const store = await created<{ id: string; version: number }>(
      await adminApi.post(
        "/establishments",
        newEstablishment({ taxId: `9${Date.now() % 100000000}` }),
      ),
    );
    const [stored] = await db()
      .select({ taxId: establishments.taxId })
      .from(establishments)
      .where(eq(establishments.id, store.id));
    const file = csvFile(
      ["establishmentId", "establishmentTaxId", "sellerEmail"],
      [
        [store.id, null, sellers[0]!.email.toUpperCase()],
        [null, stored!.taxId, sellers[1]!.email],
      ],
    );
    const first = await imported(admin.headers, "seller-assignments", file);
    expect(outcomes(first)).toEqual({ created: 2 });
    expect(await versionOf(establishments, store.id)).toBe(2);
    const route = await db()
      .select()
      .from(establishmentSellers)
      .where(eq(establishmentSellers.establishmentId, store.id));
    expect(route.map((r) => r.sellerId).sort()).toEqual(sellers.map((s) => s.id).sort());
    const logged = await db()
      .select()
      .from(changes)
      .where(and(eq(changes.entityId, store.id), eq(changes.version, 2)));
    expect(logged.map((l) => l.sellerId).sort()).toEqual(sellers.map((s) => s.id).sort());
    // Again: nothing to do, no version.
    expect(outcomes(await imported(admin.headers, "seller-assignments", file))).toEqual({
      unchanged: 2,
    });
    expect(await versionOf(establishments, store.id)).toBe(2);
  });

  it("refuses a user who is not a seller and a store that does not exist", async () => {
    const analyst = await createUser({ role: "analyst" });
    const store = await created<{ id: string }>(
      await adminApi.post("/establishments", newEstablishment()),
    );
    const response = await sendImport(
      admin.headers,
      "seller-assignments",
      csvFile(
        ["establishmentId", "sellerEmail"],
        [
          [store.id, analyst.email],
          ["0193b6e2-0000-7000-8000-000000000000", analyst.email],
        ],
      ),
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual([
      "/2/sellerEmail",
      "/3/establishmentId",
      "/3/sellerEmail",
    ]);
    expect(
      await db()
        .select()
        .from(establishmentSellers)
        .where(eq(establishmentSellers.establishmentId, store.id)),
    ).toEqual([]);
  });
});

describe("POST /imports/users", () => {
  it("creates users without a password: they sign in with support's temporary password", async () => {
    const t = tag().toLowerCase();
    const file = csvFile(
      ["email", "firstName", "lastName", "role", "documentNumber"],
      [
        [
          `vendedora-${t}@example.co`,
          "María José",
          "Peñaloza",
          "seller",
          `10${Date.now() % 100000000}`,
        ],
        [`analista-${t}@example.co`, "Óscar", "Núñez", "analyst", null],
      ],
    );
    const result = await imported(admin.headers, "users", file);
    expect(outcomes(result)).toEqual({ created: 2 });
    const [maria] = await db()
      .select()
      .from(users)
      .where(eq(users.email, `vendedora-${t}@example.co`));
    expect(maria).toMatchObject({
      firstName: "María José",
      role: "seller",
      status: "active",
      version: 1,
    });
    // No password works…
    expect((await login(maria!.email, "correct horse battery staple")).status).toBe(401);
    // …until support issues a temporary one.
    const reset = await call(`/api/v1/users/${maria!.id}/password-reset`, {
      method: "POST",
      headers: support.headers,
    });
    expect(reset.status).toBe(200);
    const { temporaryPassword } = (await reset.json()) as { temporaryPassword: string };
    const signIn = await login(maria!.email, temporaryPassword);
    expect(signIn.status).toBe(403);
    expect(((await signIn.json()) as { type: string }).type).toBe(
      "/problems/password-change-required",
    );
    // The user export imports unchanged; the audit rows never hold a hash.
    const exported = await (
      await call(`/api/v1/stats/export/users?q=${t}`, { headers: admin.headers })
    ).text();
    void exported;
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(
        inArray(
          auditEvents.entityId,
          result.rows.map((r) => r.id!),
        ),
      );
    expect(JSON.stringify(audits)).not.toMatch(/pbkdf2|passwordHash/);
  });

  it("re-imports the users export unchanged, and never changes an existing user's role or status", async () => {
    const seller = await createUser({ role: "seller", firstName: "Luz" });
    const exported = await (
      await call(`/api/v1/stats/export/users?role=seller`, { headers: admin.headers })
    ).text();
    const again = await imported(admin.headers, "users", exported);
    expect(again.rows.every((r) => r.outcome === "unchanged")).toBe(true);
    const response = await sendImport(
      admin.headers,
      "users",
      csvFile(["email", "role", "firstName"], [[seller.email, "admin", "Luz"]]),
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(["/2/role"]);
    const renamed = await imported(
      admin.headers,
      "users",
      csvFile(["email", "firstName"], [[seller.email, "Luz Marina"]]),
    );
    expect(outcomes(renamed)).toEqual({ updated: 1 });
    const [after] = await db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, seller.id), eq(auditEvents.action, "user.updated")));
    expect(after!.n).toBe(1);
  });
});
