import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uniqueViolation } from "../src/db/errors";
import { uuidv7 } from "../src/lib/ids";
import { client, created, newEstablishment } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";
import { Replica } from "./support/sync";

/** `code`: the company's own code for a store (its ERP's), unique among live stores. */

interface Establishment {
  id: string;
  code: string | null;
  sellerIds: string[];
  version: number;
}

const admin = client((await actor("admin")).headers);
const seller = await actor("seller");
const a = client(seller.headers);
const path = (id: string) => `/establishments/${id}`;

/** A code no other test uses (storage is per test file): in an ERP's shapes, `T-…`, `BOG/…`. */
let codes = 0;
const freshCode = (prefix = "T-") => `${prefix}${Date.now().toString(36)}${(codes++).toString(36)}`;

const listed = async (query: string, api = admin) =>
  (
    (await (await api.get(`/establishments?limit=100&${query}`)).json()) as {
      data: Establishment[];
    }
  ).data.map((store) => store.id);

describe("an establishment's code", () => {
  it("is stored as given, trimmed and in its case, and shown on every read", async () => {
    const code = freshCode("bog/");
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code: ` ${code}  ` })),
    );
    expect(store.code).toBe(code);
    expect(await (await admin.get(path(store.id))).json()).toMatchObject({ code });
    const plain = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    expect(plain.code).toBeNull();
    expect(await (await admin.get(path(plain.id))).json()).toMatchObject({ code: null });
  });

  it("is unique among live stores: a second one is a 409 at /code, by POST, PATCH or PUT", async () => {
    const code = freshCode();
    const first = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    const posted = await expectProblem(
      await admin.post("/establishments", newEstablishment({ code })),
      409,
      "conflict",
    );
    expect(posted.errors).toEqual([{ path: "/code", message: "code is already taken" }]);

    const other = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    const patched = await expectProblem(
      await admin.patch(path(other.id), { code }),
      409,
      "conflict",
    );
    expect(patched.errors).toEqual([{ path: "/code", message: "code is already taken" }]);
    const put = await expectProblem(
      await admin.put(path(uuidv7()), newEstablishment({ code })),
      409,
      "conflict",
    );
    expect(put.errors).toEqual([{ path: "/code", message: "code is already taken" }]);
    // Nothing was written by the refused ones.
    expect(await listed(`code=${code}`)).toEqual([first.id]);
    expect(((await (await admin.get(path(other.id))).json()) as Establishment).code).toBeNull();
  });

  it("is case-sensitive, as stored: T-1 and t-1 are two codes", async () => {
    const code = freshCode("T-");
    const upper = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    const lower = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code: code.toLowerCase() })),
    );
    expect(await listed(`code=${code}`)).toEqual([upper.id]);
    expect(await listed(`code=${code.toLowerCase()}`)).toEqual([lower.id]);
  });

  it("is freed by a soft delete, and by setting it to null", async () => {
    const code = freshCode();
    const first = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    expect((await admin.delete(path(first.id))).status).toBe(204);
    const second = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    expect(second.code).toBe(code);
    expect(await listed(`code=${code}`)).toEqual([second.id]);

    const cleared = await admin.patch(path(second.id), { code: null });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toMatchObject({ code: null, version: second.version + 1 });
    expect(await listed(`code=${code}`)).toEqual([]);
    const third = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    expect(third.code).toBe(code);
  });

  it.each([
    ["empty", "", "code must not be empty"],
    ["blank (empty once trimmed)", "   ", "code must not be empty"],
    ["51 characters", "T".repeat(51), "code must have at most 50 characters"],
    [
      "a space inside",
      "a b",
      "code must be letters, digits or . _ / -, starting with a letter or digit",
    ],
    [
      "a spreadsheet formula",
      "=cmd",
      "code must be letters, digits or . _ / -, starting with a letter or digit",
    ],
    [
      "a leading dash",
      "-123",
      "code must be letters, digits or . _ / -, starting with a letter or digit",
    ],
    [
      "a letter outside ASCII",
      "Tienda-Ñ1",
      "code must be letters, digits or . _ / -, starting with a letter or digit",
    ],
    ["a number", 123, "code must be text"],
  ])("refuses %s: one 400 at /code", async (_, code, message) => {
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    for (const response of [
      await admin.post("/establishments", newEstablishment({ code })),
      await admin.put(path(uuidv7()), newEstablishment({ code })),
      await admin.patch(path(store.id), { code }),
    ]) {
      const problem = await expectProblem(response, 400, "validation-error");
      expect(problem.errors).toEqual([{ path: "/code", message }]);
    }
  });

  it("takes the longest code, 50 characters, and each of . _ / -", async () => {
    const long = `${freshCode("L")}${"x".repeat(50)}`.slice(0, 50);
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code: long })),
    );
    expect(store.code).toBe(long);
    const punctuated = `${freshCode("9")}.a_b/c-d`;
    const patched = await admin.patch(path(store.id), { code: punctuated });
    expect(await patched.json()).toMatchObject({ code: punctuated });
  });

  it("says what is wrong in Spanish for Accept-Language: es", async () => {
    const invalid = await expectProblem(
      await admin.post("/establishments", newEstablishment({ code: "a b" }), {
        "Accept-Language": "es",
      }),
      400,
      "validation-error",
    );
    expect(invalid.errors).toEqual([
      {
        path: "/code",
        message: "code debe tener letras, dígitos o . _ / -, y empezar por una letra o un dígito",
      },
    ]);
    const code = freshCode();
    await created(await admin.post("/establishments", newEstablishment({ code })));
    const taken = await expectProblem(
      await admin.post("/establishments", newEstablishment({ code }), { "Accept-Language": "es" }),
      409,
      "conflict",
    );
    expect(taken.errors).toEqual([{ path: "/code", message: "code ya está en uso" }]);
  });
});

describe("GET /establishments?code=", () => {
  it("finds the one live store with exactly that code; any other code finds none", async () => {
    const code = freshCode("BOG/");
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    await created(await admin.post("/establishments", newEstablishment({ code: `${code}0` })));
    expect(await listed(`code=${encodeURIComponent(code)}`)).toEqual([store.id]);
    expect(await listed(`code=${encodeURIComponent(code.slice(0, -1))}`)).toEqual([]);
    // Combined with other filters, as any filter is.
    expect(await listed(`code=${encodeURIComponent(code)}&status=active`)).toEqual([store.id]);
    expect(await listed(`code=${encodeURIComponent(code)}&status=inactive`)).toEqual([]);
  });

  it("a code that cannot be one is a 400 at query.code", async () => {
    const problem = await expectProblem(
      await admin.get("/establishments?code=%3Dcmd"),
      400,
      "validation-error",
    );
    expect(problem.errors).toEqual([{ path: "query.code", message: expect.any(String) }]);
  });

  it("a seller finds a store by code only on their route, and syncs it with its code", async () => {
    const code = freshCode();
    const store = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    expect(await listed(`code=${code}`, a)).toEqual([]);
    expect((await admin.put(`${path(store.id)}/sellers/${seller.user.id}`, {})).status).toBe(204);
    expect(await listed(`code=${code}`, a)).toEqual([store.id]);
    const replica = new Replica();
    await replica.sync(a);
    expect(replica.entities.get(`establishment:${store.id}`)).toMatchObject({ code });
  });
});

describe("a seller and the code (an admin's field, as taxId)", () => {
  it("may not set it on create, by POST or PUT: 403 naming it, nothing created", async () => {
    const code = freshCode();
    for (const response of [
      await a.post("/establishments", newEstablishment({ code })),
      await a.put(path(uuidv7()), newEstablishment({ code })),
    ]) {
      const problem = await expectProblem(response, 403, "forbidden");
      expect(problem.errors).toEqual([{ path: "/code", message: "Only an admin may set code" }]);
    }
    expect(await listed(`code=${code}`)).toEqual([]);
  });

  it("may not change it, and a replace of their store keeps the code an admin set", async () => {
    const code = freshCode();
    const body = newEstablishment();
    const mine = await created<Establishment>(await a.post("/establishments", body));
    expect(mine.code).toBeNull();
    expect((await admin.patch(path(mine.id), { code })).status).toBe(200);
    await expectProblem(await a.patch(path(mine.id), { code: freshCode() }), 403, "forbidden");
    await expectProblem(await a.patch(path(mine.id), { code: null }), 403, "forbidden");
    const replaced = await a.put(path(mine.id), { ...body, phone: "+57 604 555 0101" });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ code, phone: "+57 604 555 0101" });
    // An admin's replace is a full one: a code left out is cleared.
    const cleared = await admin.put(path(mine.id), body);
    expect(await cleared.json()).toMatchObject({ code: null });
  });
});

describe("the 409's field comes from D1's own message", () => {
  it("names the column of the partial unique index establishments_code_unique", async () => {
    const code = freshCode();
    const first = await created<Establishment>(
      await admin.post("/establishments", newEstablishment({ code })),
    );
    // The statement the API's write would run, straight to D1: what does D1 say?
    const error = await env.DB.prepare(
      "update establishments set code = ? where id = (select id from establishments where deleted_at is null and id <> ? limit 1)",
    )
      .bind(code, first.id)
      .run()
      .then(
        () => null,
        (thrown: unknown) => thrown,
      );
    expect(uniqueViolation(error)).toBe("establishments.code");
  });
});
