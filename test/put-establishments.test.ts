import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";
import { nitCheckDigit } from "../src/lib/nit";
import { client, created, newEstablishment } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";
import { auditOf, changesOf } from "./support/records";

/** PUT /establishments/{id}: what is particular to stores (put.test.ts has the general rules). */

interface Establishment {
  id: string;
  name: string;
  kind: string;
  taxId: string | null;
  portfolioId: string | null;
  status: string;
  phone: string | null;
  sellerIds: string[];
  version: number;
  [field: string]: unknown;
}

const admin = client((await actor("admin")).headers);
const sellerA = await actor("seller");
const a = client(sellerA.headers);
const b = client((await actor("seller")).headers);
const path = (id: string) => `/establishments/${id}`;
const portfolio = await created<{ id: string }>(
  await admin.post("/portfolios", { name: `P ${crypto.randomUUID()}` }),
);

let nits = 0;

/** A store seller A made offline and PUT, given by an admin what only an admin sets. */
async function storeOfA() {
  const id = uuidv7();
  const body = { ...newEstablishment(), phone: "+57 604 555 0101" };
  await created(await a.put(path(id), body));
  nits += 1; // storage is per test file: no other file's NITs to meet
  const base = String(810_000_000 + nits);
  const adminFields = {
    taxId: `${base}-${nitCheckDigit(base)}`,
    code: `PUT/${base}`,
    portfolioId: portfolio.id,
    status: "inactive",
  };
  const set = await admin.put(path(id), { ...body, ...adminFields });
  expect(set.status).toBe(200);
  return { id, body, adminFields, stored: (await set.json()) as Establishment };
}

describe("PUT /api/v1/establishments/{id} at a free id", () => {
  it("a seller's store goes on their route, an admin's on nobody's; as POST makes them", async () => {
    const mine = await created<Establishment>(await a.put(path(uuidv7()), newEstablishment()));
    expect(mine).toMatchObject({ sellerIds: [sellerA.user.id], portfolioId: null, version: 1 });
    expect(await (await a.get(path(mine.id))).json()).toEqual(mine);
    const theirs = await created<Establishment>(
      await admin.put(path(uuidv7()), newEstablishment({ portfolioId: portfolio.id })),
    );
    expect(theirs).toMatchObject({ sellerIds: [], portfolioId: portfolio.id });
    const posted = await created<Establishment>(
      await admin.post("/establishments", newEstablishment()),
    );
    expect(Object.keys(mine).sort()).toEqual(Object.keys(posted).sort());
    expect((await auditOf(mine.id)).map((row) => row.action)).toEqual(["establishment.created"]);
    expect(await changesOf(mine.id)).toEqual([
      expect.objectContaining({ entityType: "establishment", op: "upsert", version: 1 }),
    ]);
  });

  it("reads department and city through DIVIPOLA as POST does: any spelling, DANE's names and codes", async () => {
    const store = await created<Establishment>(
      await a.put(path(uuidv7()), newEstablishment({ department: "valle", city: "CALI" })),
    );
    expect(store).toMatchObject({
      department: "Valle del Cauca",
      departmentCode: "76",
      city: "Santiago de Cali",
      cityCode: "76001",
    });
    const narnia = await expectProblem(
      await a.put(path(uuidv7()), newEstablishment({ department: "Narnia" })),
      400,
      "validation-error",
    );
    expect(narnia.errors).toEqual([
      { path: "/department", message: expect.stringContaining('"Narnia" is not a department') },
    ]);
    const unknown = await expectProblem(
      await admin.put(path(uuidv7()), newEstablishment({ portfolioId: uuidv7() })),
      400,
      "validation-error",
    );
    expect(unknown.errors).toEqual([
      { path: "/portfolioId", message: "portfolioId names no portfolio" },
    ]);
  });

  it("a seller may not send what only an admin sets: 403 naming it, before anything is looked up", async () => {
    const problem = await expectProblem(
      await a.put(
        path(uuidv7()),
        newEstablishment({ taxId: "8001972684", code: "T-000123", status: "active" }),
      ),
      403,
      "forbidden",
    );
    expect(problem.errors).toEqual([
      { path: "/taxId", message: "Only an admin may set taxId" },
      { path: "/code", message: "Only an admin may set code" },
      { path: "/status", message: "Only an admin may set status" },
    ]);
  });
});

describe("PUT /api/v1/establishments/{id} at a store's id", () => {
  it("a seller replaces what they may change; left-out fields take their defaults; the admin's fields stay", async () => {
    const { id, body, adminFields, stored } = await storeOfA();
    // "Tienda" is read as the stored code "tienda": the same kind, not a change.
    const { phone: _phone, ...withoutPhone } = body;
    const response = await a.put(path(id), {
      ...withoutPhone,
      kind: "Tienda",
      department: "05",
      city: "envigado",
    });
    expect(response.status).toBe(200);
    const store = (await response.json()) as Establishment;
    expect(store).toMatchObject({
      ...adminFields,
      phone: null,
      city: "Envigado",
      cityCode: "05266",
      version: stored.version + 1,
    });
    expect(await (await a.get(path(id))).json()).toEqual(store);
    const updated = (await auditOf(id)).at(-1)!;
    expect(updated.action).toBe("establishment.updated");
    expect(Object.keys(updated.changes!).sort()).toEqual(["city", "cityCode", "phone"]);
  });

  it("a seller's name or kind other than stored: 403 naming them, nothing written", async () => {
    const { id, body, stored } = await storeOfA();
    const problem = await expectProblem(
      await a.put(path(id), { ...body, name: "Otro nombre", kind: "minimercado" }),
      403,
      "forbidden",
    );
    expect(problem.detail).toBe("A seller may not change name, kind; ask an admin");
    expect(problem.errors).toEqual([
      { path: "/name", message: "Only an admin may change name" },
      { path: "/kind", message: "Only an admin may change kind" },
    ]);
    expect(await (await a.get(path(id))).json()).toEqual(stored);
  });

  it("an admin replaces every field: left out, taxId, code, portfolioId and phone are null, status active", async () => {
    const { id, body } = await storeOfA();
    const { phone: _phone, ...rest } = body;
    const store = (await (await admin.put(path(id), rest)).json()) as Establishment;
    expect(store).toMatchObject({
      taxId: null,
      code: null,
      portfolioId: null,
      phone: null,
      status: "active",
      sellerIds: [sellerA.user.id],
    });
  });

  it("another seller's store is 404, with any precondition, and stays as it was", async () => {
    const { id, body, stored } = await storeOfA();
    const preconditions: Record<string, string>[] = [
      {},
      { "If-None-Match": "*" },
      { "If-Match": '"2"' },
    ];
    for (const headers of preconditions) {
      await expectProblem(await b.put(path(id), body, headers), 404, "not-found");
    }
    expect(await (await a.get(path(id))).json()).toEqual(stored);
    // Its owner asking to create only is told it exists.
    const own = await expectProblem(
      await a.put(path(id), body, { "If-None-Match": "*" }),
      412,
      "precondition-failed",
    );
    expect(own).toMatchObject({ currentVersion: stored.version });
  });

  it("a deleted store: 404 for its seller, 409 for an admin (ids are never reused)", async () => {
    const { id, body } = await storeOfA();
    expect((await admin.delete(path(id))).status).toBe(204);
    await expectProblem(await a.put(path(id), body), 404, "not-found");
    const problem = await expectProblem(await admin.put(path(id), body), 409, "conflict");
    expect(problem.detail).toBe(
      "This id belonged to a deleted establishment; ids are never reused",
    );
  });

  it("a taxId another store has: 409 naming it", async () => {
    const first = await storeOfA();
    const second = await storeOfA();
    const problem = await expectProblem(
      await admin.put(path(second.id), { ...second.body, taxId: first.adminFields.taxId }),
      409,
      "conflict",
    );
    expect(problem.errors).toEqual([{ path: "/taxId", message: "taxId is already taken" }]);
  });

  it("a seller's 20 identical PUTs of a new store at once: one 201, the rest 200, on their route once", async () => {
    const id = uuidv7();
    const body = newEstablishment();
    const responses = await Promise.all(Array.from({ length: 20 }, () => a.put(path(id), body)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(19).fill(200), 201].sort());
    const store = (await (await a.get(path(id))).json()) as Establishment;
    expect(store).toMatchObject({ version: 1, sellerIds: [sellerA.user.id] });
    expect(await auditOf(id)).toHaveLength(1);
    expect(await changesOf(id)).toHaveLength(1);
  });
});
