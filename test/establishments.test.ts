import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nitCheckDigit } from "../src/lib/nit";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, createUser } from "./support/auth";
import { expectProblem } from "./support/http";
import { SELLER_FIELDS } from "./support/role-matrix";

interface Establishment {
  id: string;
  sellerIds: string[];
  portfolioId: string | null;
  version: number;
  name: string;
  kind: string;
  taxId: string | null;
}

async function setup() {
  const admin = client((await actor("admin")).headers);
  const sellerA = await actor("seller");
  const sellerB = await actor("seller");
  /** A store an admin created, with what only an admin may set, on seller A's route. */
  const storeOfA = async (overrides: Record<string, unknown> = {}) => {
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment(overrides)),
    );
    expect(
      (await admin.put(`/establishments/${store.id}/sellers/${sellerA.user.id}`, {})).status,
    ).toBe(204);
    return (await (await admin.get(`/establishments/${store.id}`)).json()) as Establishment;
  };
  return {
    admin,
    a: client(sellerA.headers),
    aId: sellerA.user.id,
    b: client(sellerB.headers),
    bId: sellerB.user.id,
    storeOfA,
  };
}

describe("NIT", () => {
  it("computes DIAN's check digit", () => {
    expect(nitCheckDigit("800197268")).toBe(4); // DIAN's own NIT: 800.197.268-4
    expect(nitCheckDigit("860034313")).toBe(7);
  });
});

describe("POST /api/v1/establishments", () => {
  it("a seller's new establishment is assigned to them; an admin's to nobody", async () => {
    const { admin, a, aId } = await setup();
    const mine = await created<Establishment>(await a.post("/establishments", newEstablishment()));
    expect(mine.sellerIds).toEqual([aId]);
    const theirs = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    expect(theirs.sellerIds).toEqual([]);
  });

  it("normalises a NIT to its check digit, rejects a wrong one, refuses a duplicate (409)", async () => {
    const { admin } = await setup();
    const base = "900123456"; // storage is per test file, and no other test uses it
    const nit = `${base}-${nitCheckDigit(base)}`;
    const first = await created<{ taxId: string }>(
      await admin.post("/establishments", newEstablishment({ taxId: base })),
    );
    expect(first.taxId).toBe(nit);
    const wrong = `${base}-${(nitCheckDigit(base) + 1) % 10}`;
    await expectProblem(
      await admin.post("/establishments", newEstablishment({ taxId: wrong })),
      400,
      "validation-error",
    );
    const body = await expectProblem(
      await admin.post("/establishments", newEstablishment({ taxId: nit })),
      409,
      "conflict",
    );
    expect(body.errors).toEqual([{ path: "/taxId", message: "taxId is already taken" }]);
  });

  it.each([
    ["latitude without longitude", { latitude: 4.6 }, "/longitude"],
    ["latitude out of range", { latitude: 91, longitude: 0 }, "/latitude"],
    ["longitude out of range", { latitude: 0, longitude: -181 }, "/longitude"],
    ["unknown kind", { kind: "discoteca" }, "/kind"],
    ["blank city", { city: " " }, "/city"],
    ["unknown portfolio", { portfolioId: "nope" }, "/portfolioId"],
  ])("rejects %s with a 400 on the field", async (_, overrides, path) => {
    const { admin } = await setup();
    const body = await expectProblem(
      await admin.post("/establishments", newEstablishment(overrides)),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });

  it("support and analysts may not create (403)", async () => {
    for (const role of ["support", "analyst"] as const) {
      const api = client((await actor(role)).headers);
      await expectProblem(await api.post("/establishments", newEstablishment()), 403, "forbidden");
    }
  });
});

describe("what a seller may write (SELLER_FIELDS, the field matrix of docs/security.md)", () => {
  const sample = (field: string, portfolioId: string): Record<string, unknown> =>
    ({
      name: { name: "Tienda Nueva" },
      kind: { kind: "minimercado" },
      address: { address: "Carrera 7 # 1-1" },
      city: { city: "Envigado", department: "Antioquia" },
      department: { city: "Tunja", department: "Boyacá" },
      latitude: { latitude: 6.25, longitude: -75.56 },
      longitude: { latitude: 6.25, longitude: -75.56 },
      phone: { phone: "+57 604 555 0101" },
      taxId: { taxId: "8001972684" },
      code: { code: `T-${crypto.randomUUID().slice(0, 8)}` },
      portfolioId: { portfolioId },
      status: { status: "inactive" },
    })[field]!;

  it("covers every field of the establishment's write schemas", async () => {
    const { CreateEstablishmentSchema } = await import(
      "../src/routes/establishments/establishments.schemas"
    );
    expect(Object.keys(SELLER_FIELDS).sort()).toEqual(
      Object.keys((CreateEstablishmentSchema as unknown as { shape: object }).shape).sort(),
    );
  });

  for (const [field, [onCreate, onUpdate]] of Object.entries(SELLER_FIELDS)) {
    it(`${field}: a seller ${onCreate ? "may" : "may not"} set it on create, ${onUpdate ? "may" : "may not"} change it`, async () => {
      const { admin, a, storeOfA } = await setup();
      const portfolio = await created<{ id: string }>(
        await admin.post("/portfolios", { name: `P ${crypto.randomUUID()}` }),
      );
      const values = sample(field, portfolio.id);
      const create = await a.post("/establishments", newEstablishment(values));
      if (onCreate) expect(create.status).toBe(201);
      else {
        const body = await expectProblem(create, 403, "forbidden");
        expect(body.errors).toEqual([{ path: `/${field}`, message: expect.any(String) }]);
      }
      const store = await storeOfA({});
      const update = await a.patch(`/establishments/${store.id}`, values);
      if (onUpdate) expect(update.status).toBe(200);
      else await expectProblem(update, 403, "forbidden");
      // An admin may set every field.
      expect((await admin.patch(`/establishments/${store.id}`, values)).status).toBe(200);
    });
  }

  it("a seller-created store carries no portfolio until an admin assigns one", async () => {
    const { admin, a } = await setup();
    const store = await created<Establishment>(await a.post("/establishments", newEstablishment()));
    expect(store.portfolioId).toBeNull();
    const portfolio = await created<{ id: string }>(
      await admin.post("/portfolios", { name: `P ${crypto.randomUUID()}` }),
    );
    const assigned = await admin.patch(`/establishments/${store.id}`, {
      portfolioId: portfolio.id,
    });
    expect(((await assigned.json()) as Establishment).portfolioId).toBe(portfolio.id);
  });

  it("a seller's 403 for a field comes before any lookup: no store, no NIT is revealed", async () => {
    const { a } = await setup();
    for (const id of ["00000000-0000-7000-8000-000000000000", "nope"]) {
      await expectProblem(
        await a.patch(`/establishments/${id}`, { taxId: "8001972684" }),
        403,
        "forbidden",
      );
    }
  });
});

describe("seller scoping", () => {
  it("a seller cannot read, change, delete or open nested routes of another seller's establishment (404)", async () => {
    const { a, b } = await setup();
    const theirs = await created<Establishment>(
      await b.post("/establishments", newEstablishment()),
    );
    await expectProblem(await a.get(`/establishments/${theirs.id}`), 404, "not-found");
    await expectProblem(
      await a.patch(`/establishments/${theirs.id}`, { address: "Calle 1 # 2-3" }),
      404,
      "not-found",
    );
    await expectProblem(await a.get(`/establishments/${theirs.id}/sellers`), 404, "not-found");
    await expectProblem(await a.get(`/establishments/${theirs.id}/portfolio`), 404, "not-found");
    // And the owner still can.
    expect((await b.get(`/establishments/${theirs.id}`)).status).toBe(200);
    expect(
      (await b.patch(`/establishments/${theirs.id}`, { address: "Carrera 7 # 1-1" })).status,
    ).toBe(200);
  });

  it("a seller's list only ever contains their own, whatever the filters", async () => {
    const { a, b, aId, bId } = await setup();
    const tag = crypto.randomUUID().slice(0, 8);
    const named = () => newEstablishment({ name: `Tienda ${tag}` });
    for (let i = 0; i < 3; i++) await a.post("/establishments", named());
    for (let i = 0; i < 2; i++) await b.post("/establishments", named());
    const listA = (await (await a.get(`/establishments?q=${tag}&city=medellin`)).json()) as {
      data: Establishment[];
    };
    expect(listA.data).toHaveLength(3);
    expect(listA.data.every((e) => e.sellerIds.includes(aId))).toBe(true);
    const spy = (await (await a.get(`/establishments?q=${tag}&sellerId=${bId}`)).json()) as {
      data: unknown[];
    };
    expect(spy.data).toEqual([]);
  });

  it("admin, support and analyst see every establishment and can filter by seller", async () => {
    const { a, aId } = await setup();
    const tag = crypto.randomUUID().slice(0, 8);
    await a.post("/establishments", newEstablishment({ name: `Tienda ${tag}` }));
    for (const role of ["admin", "support", "analyst"] as const) {
      const api = client((await actor(role)).headers);
      const list = (await (await api.get(`/establishments?q=${tag}&sellerId=${aId}`)).json()) as {
        data: unknown[];
      };
      expect(list.data, role).toHaveLength(1);
    }
  });

  it("only admins delete; a deleted establishment is 404 everywhere and its taxId reusable", async () => {
    const { admin, a, storeOfA } = await setup();
    const base = "800654321"; // storage is per test file, and no other test uses it
    const mine = await storeOfA({ taxId: base });
    await expectProblem(await a.delete(`/establishments/${mine.id}`), 403, "forbidden");
    expect((await admin.delete(`/establishments/${mine.id}`)).status).toBe(204);
    await expectProblem(await a.get(`/establishments/${mine.id}`), 404, "not-found");
    await expectProblem(await admin.get(`/establishments/${mine.id}/sellers`), 404, "not-found");
    expect((await admin.post("/establishments", newEstablishment({ taxId: base }))).status).toBe(
      201,
    );
  });
});

describe("sellers of an establishment", () => {
  it("PUT assigns (idempotent, bumps the version once), GET lists, DELETE unassigns", async () => {
    const { admin, b, bId } = await setup();
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    await expectProblem(await b.get(`/establishments/${store.id}`), 404, "not-found");
    expect((await admin.put(`/establishments/${store.id}/sellers/${bId}`, {})).status).toBe(204);
    expect((await admin.put(`/establishments/${store.id}/sellers/${bId}`, {})).status).toBe(204);
    const seen = (await (await b.get(`/establishments/${store.id}`)).json()) as Establishment;
    expect(seen).toMatchObject({ sellerIds: [bId], version: 2 });
    const sellers = (await (await admin.get(`/establishments/${store.id}/sellers`)).json()) as {
      data: { id: string }[];
    };
    expect(sellers.data.map((s) => s.id)).toEqual([bId]);
    // Co-workers see a name, never an email, national id, phone or sign-in state.
    expect(Object.keys((sellers.data as object[])[0]!).sort()).toEqual([
      "firstName",
      "id",
      "lastName",
    ]);
    const asSeller = (await (await b.get(`/establishments/${store.id}/sellers`)).json()) as {
      data: object[];
    };
    expect(JSON.stringify(asSeller)).not.toMatch(/email|documentNumber|phone|failedLoginCount/);
    expect((await admin.delete(`/establishments/${store.id}/sellers/${bId}`)).status).toBe(204);
    await expectProblem(await b.get(`/establishments/${store.id}`), 404, "not-found");
  });

  it("honours If-Match: a stale version is 412 and changes nothing", async () => {
    const { admin, bId } = await setup();
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    await expectProblem(
      await admin.put(`/establishments/${store.id}/sellers/${bId}`, {}, { "If-Match": '"7"' }),
      412,
      "precondition-failed",
    );
    expect(
      ((await (await admin.get(`/establishments/${store.id}`)).json()) as Establishment).sellerIds,
    ).toEqual([]);
    expect(
      (await admin.put(`/establishments/${store.id}/sellers/${bId}`, {}, { "If-Match": '"1"' }))
        .status,
    ).toBe(204);
    await expectProblem(
      await admin.delete(`/establishments/${store.id}/sellers/${bId}`, { "If-Match": '"1"' }),
      412,
      "precondition-failed",
    );
    expect(
      (await admin.delete(`/establishments/${store.id}/sellers/${bId}`, { "If-Match": '"2"' }))
        .status,
    ).toBe(204);
  });

  it("409 for a user who is not a seller, 404 for unknown users and establishments", async () => {
    const { admin } = await setup();
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    const analyst = await createUser({ role: "analyst" });
    await expectProblem(
      await admin.put(`/establishments/${store.id}/sellers/${analyst.id}`, {}),
      409,
      "conflict",
    );
    await expectProblem(
      await admin.put(`/establishments/${store.id}/sellers/nobody`, {}),
      404,
      "not-found",
    );
    await expectProblem(
      await admin.put(`/establishments/nowhere/sellers/${analyst.id}`, {}),
      404,
      "not-found",
    );
  });
});

describe("GET /api/v1/establishments/{id}/portfolio", () => {
  it("returns the carried portfolio with items and effective prices; 304 on the same ETag", async () => {
    const { admin, a, storeOfA } = await setup();
    const cola = await created<{ id: string }>(
      await admin.post("/products", newProduct({ price: 2500 })),
    );
    const pan = await created<{ id: string }>(
      await admin.post("/products", newProduct({ price: 1000, name: "Pan" })),
    );
    const portfolio = await created<{ id: string }>(
      await admin.post("/portfolios", {
        name: `Tiendas ${crypto.randomUUID()}`,
        items: [{ productId: pan.id, price: 900 }, { productId: cola.id }],
      }),
    );
    const store = await storeOfA({ portfolioId: portfolio.id });
    const response = await a.get(`/establishments/${store.id}/portfolio`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      id: string;
      itemCount: number;
      items: {
        productId: string;
        listPrice: number;
        price: number | null;
        effectivePrice: number;
      }[];
    };
    expect(body).toMatchObject({ id: portfolio.id, itemCount: 2 });
    expect(body.items.map((i) => [i.productId, i.listPrice, i.price, i.effectivePrice])).toEqual([
      [pan.id, 1000, 900, 900],
      [cola.id, 2500, null, 2500],
    ]);
    const etag = response.headers.get("ETag")!;
    expect(
      (await a.get(`/establishments/${store.id}/portfolio`, { "If-None-Match": etag })).status,
    ).toBe(304);
    await admin.patch(`/products/${cola.id}`, { price: 2700 }); // a price change is a new answer
    expect(
      (await a.get(`/establishments/${store.id}/portfolio`, { "If-None-Match": etag })).status,
    ).toBe(200);
  });

  it("404s say which case it is: no such establishment, or no portfolio yet", async () => {
    const { a, storeOfA } = await setup();
    const store = await storeOfA();
    const none = await expectProblem(
      await a.get(`/establishments/${store.id}/portfolio`),
      404,
      "not-found",
    );
    expect(none.detail).toMatch(/carries no portfolio yet/);
    const missing = await expectProblem(
      await a.get(`/establishments/${crypto.randomUUID()}/portfolio`),
      404,
      "not-found",
    );
    expect(missing.detail).toBe("No such establishment");
  });

  it("a portfolio stores carry cannot be deleted (409 with the count) until they drop it", async () => {
    const { admin, a, storeOfA } = await setup();
    const portfolio = await created<{ id: string }>(
      await admin.post("/portfolios", { name: `P ${crypto.randomUUID()}` }),
    );
    const store = await storeOfA({ portfolioId: portfolio.id });
    const refused = await expectProblem(
      await admin.delete(`/portfolios/${portfolio.id}`),
      409,
      "conflict",
    );
    expect(refused).toMatchObject({ dependents: 1 });
    expect(refused.detail).toContain(`GET /api/v1/establishments?portfolioId=${portfolio.id}`);
    expect((await a.get(`/establishments/${store.id}/portfolio`)).status).toBe(200);
    expect((await admin.patch(`/establishments/${store.id}`, { portfolioId: null })).status).toBe(
      200,
    );
    expect((await admin.delete(`/portfolios/${portfolio.id}`)).status).toBe(204);
  });
});

describe("audit", () => {
  it("writes an audit event for each mutation, with the request id", async () => {
    const { admin } = await setup();
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment(), { "X-Request-Id": "audit-est-1" }),
    );
    await admin.patch(`/establishments/${store.id}`, { name: "Otro nombre" });
    const rows = await env.DB.prepare(
      "select action, request_id from audit_events where entity_id = ? order by occurred_at",
    )
      .bind(store.id)
      .all();
    expect(rows.results.map((r) => r.action)).toEqual([
      "establishment.created",
      "establishment.updated",
    ]);
    expect(rows.results[0]?.request_id).toBe("audit-est-1");
  });
});

describe("Colombian places, kinds and NITs as people write them", () => {
  it("stores DANE's name and code for any spelling of department and city", async () => {
    const { admin } = await setup();
    for (const [department, city] of [
      ["antioquia", "MEDELLIN"],
      ["05", "05001"],
      ["Antioquía", "medellín"],
    ]) {
      const store = await created<Establishment>(
        await admin.post("/establishments", newEstablishment({ department, city })),
      );
      expect(store).toMatchObject({
        department: "Antioquia",
        departmentCode: "05",
        city: "Medellín",
        cityCode: "05001",
      });
    }
    const cali = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ department: "Valle", city: "Cali" })),
    );
    expect(cali).toMatchObject({ city: "Santiago de Cali", cityCode: "76001" });
  });

  it("refuses places that are not in DIVIPOLA, or a city outside its department", async () => {
    const { admin } = await setup();
    const narnia = await expectProblem(
      await admin.post(
        "/establishments",
        newEstablishment({ department: "Narnia", city: "Gotham" }),
        { "Accept-Language": "es-CO" },
      ),
      400,
      "validation-error",
    );
    expect(narnia.errors).toEqual([
      {
        path: "/department",
        message: expect.stringContaining('"Narnia" no es un departamento de Colombia'),
      },
    ]);
    const wrongDepartment = await expectProblem(
      await admin.post(
        "/establishments",
        newEstablishment({ department: "Boyacá", city: "Medellín" }),
      ),
      400,
      "validation-error",
    );
    expect(wrongDepartment.errors).toEqual([
      {
        path: "/city",
        message: expect.stringContaining('"Medellín" is not a municipality of Boyacá'),
      },
    ]);
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    await expectProblem(
      await admin.patch(`/establishments/${store.id}`, { city: "Envigado" }),
      400,
      "validation-error",
    );
    const moved = await admin.patch(`/establishments/${store.id}`, {
      department: "cundinamarca",
      city: "soacha",
    });
    expect(await moved.json()).toMatchObject({
      city: "Soacha",
      cityCode: "25754",
      departmentCode: "25",
    });
  });

  it("filters by place code or any spelling, and searches names ignoring accents and case", async () => {
    const { admin } = await setup();
    const name = `Tienda Doña Rosa ${crypto.randomUUID().slice(0, 8)}`;
    const store = await created<Establishment>(
      await admin.post(
        "/establishments",
        newEstablishment({ name, department: "Caldas", city: "Manizales" }),
      ),
    );
    const ids = async (query: string) =>
      (
        (await (await admin.get(`/establishments?limit=100&${query}`)).json()) as {
          data: Establishment[];
        }
      ).data.map((e) => e.id);
    const key = encodeURIComponent(name.toUpperCase().replace("Ñ", "N").split(" ").pop()!);
    for (const query of [
      "city=manizales",
      "city=MANIZALES",
      "city=17001",
      "department=caldas",
      "department=17",
    ]) {
      expect(await ids(`${query}&q=${key}`), query).toEqual([store.id]);
    }
    expect(await ids(`q=${encodeURIComponent("tienda dona rosa")}&city=17001`)).toContain(store.id);
    const narnia = await expectProblem(
      await admin.get("/establishments?city=narnia"),
      400,
      "validation-error",
    );
    expect(narnia.errors).toEqual([
      { path: "query.city", message: expect.stringContaining('"narnia" is not a municipality') },
    ]);
    // Buenavista is a municipality of four departments: alone it names all four; with a
    // department, that one.
    const tag2 = crypto.randomUUID().slice(0, 8);
    const inBoyaca = await created<Establishment>(
      await admin.post(
        "/establishments",
        newEstablishment({ name: `Tienda ${tag2}`, department: "Boyacá", city: "Buenavista" }),
      ),
    );
    expect(inBoyaca).toMatchObject({ cityCode: "15109" });
    expect(await ids(`city=buenavista&q=${tag2}`)).toEqual([inBoyaca.id]);
    expect(await ids(`city=buenavista&department=boyaca&q=${tag2}`)).toEqual([inBoyaca.id]);
    expect(await ids(`city=buenavista&department=quindio&q=${tag2}`)).toEqual([]);
  });

  it("kinds are Spanish codes; accented and capitalised spellings are read as them", async () => {
    const { admin } = await setup();
    for (const [kind, stored] of [
      ["Droguería", "drogueria"],
      ["panadería", "panaderia"],
      ["Estación de servicio", "estacion_de_servicio"],
      ["otro", "otro"],
    ]) {
      const store = await created<Establishment>(
        await admin.post("/establishments", newEstablishment({ kind })),
      );
      expect(store.kind).toBe(stored);
    }
    await expectProblem(
      await admin.post("/establishments", newEstablishment({ kind: "other" })),
      400,
      "validation-error",
    );
  });

  it("accepts a NIT with dots, spaces and hyphen, stores it normalised, one error per field", async () => {
    const { admin } = await setup();
    // A base no other test uses: the database is shared by this file's tests.
    const base = String(700_000_000 + Number.parseInt(crypto.randomUUID().slice(0, 6), 16));
    const written = `${base.slice(0, 3)}.${base.slice(3, 6)}.${base.slice(6)} - ${nitCheckDigit(base)}`;
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ taxId: written })),
    );
    expect(store.taxId).toBe(`${base}-${nitCheckDigit(base)}`);
    const wrong = await expectProblem(
      await admin.post("/establishments", newEstablishment({ taxId: "800.197.268-5" })),
      400,
      "validation-error",
    );
    expect(wrong.errors).toEqual([{ path: "/taxId", message: "taxId has a wrong check digit" }]);
    const garbled = await expectProblem(
      await admin.post("/establishments", newEstablishment({ taxId: "80x.197" })),
      400,
      "validation-error",
    );
    expect((garbled.errors as unknown[]).length).toBe(1);
  });
});
