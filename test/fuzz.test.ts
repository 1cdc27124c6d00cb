import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { call } from "./support/http";
import { type DocumentedParameter, documentedOperations } from "./support/openapi";

/**
 * Property-based fuzzing of every operation in the OpenAPI document, as each role and
 * anonymously, with random and mutated path parameters, query strings and bodies.
 * Properties: never a 5xx; every 4xx is problem+json carrying the request id; a
 * rejected write changes nothing. Seeded and bounded, so a failure replays exactly: every
 * choice comes from fast-check and the SEED, and names that must be unique come from a
 * counter (Math.random, crypto.randomUUID and the clock have no say in a request).
 */
const SEED = 20261126;
const RUNS_PER_OPERATION = 50;

/** Unique within this file (storage is per file), and the same on every run. */
let serial = 0;
const nextTag = () => `FUZZ-${(serial++).toString(36).toUpperCase()}`;
const fuzzProduct = () => newProduct({ sku: nextTag() });
const fuzzEstablishment = (overrides: Record<string, unknown> = {}) =>
  newEstablishment({ name: `Tienda ${nextTag()}`, ...overrides });

const operations = await documentedOperations();

// Fixtures: real ids, so some requests reach deep code; callers are signed in afresh
// for each operation (fuzzing logout-all or session revocation may end their sessions).
const signInEveryRole = async () => ({
  admin: await actor("admin"),
  seller: await actor("seller"),
  support: await actor("support"),
  analyst: await actor("analyst"),
});
const fixtureCallers = await signInEveryRole();
const adminApi = client(fixtureCallers.admin.headers);
const product = await created<{ id: string; sku: string }>(
  await adminApi.post("/products", fuzzProduct()),
);
const portfolio = await created<{ id: string }>(
  await adminApi.post("/portfolios", {
    name: `Fuzz ${nextTag()}`,
    items: [{ productId: product.id }],
  }),
);
// A store on the seller's route; its portfolio is an admin's to assign.
const establishment = await created<{ id: string }>(
  await client(fixtureCallers.seller.headers).post("/establishments", fuzzEstablishment()),
);
const assigned = await adminApi.patch(`/establishments/${establishment.id}`, {
  portfolioId: portfolio.id,
});
if (assigned.status !== 200)
  throw new Error(`fixture: ${assigned.status} ${await assigned.text()}`);
const realIds = [
  product.id,
  portfolio.id,
  establishment.id,
  fixtureCallers.seller.user.id,
  fixtureCallers.admin.user.id,
];

/** Values that break naive code: wrong types, extremes, injection payloads, bad Unicode. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "x".repeat(10_000),
    "' OR 1=1; DROP TABLE products; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u0000",
    "\ud800",
    "😀".repeat(300),
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1,
    0,
    -0,
    0.5,
    true,
    null,
    [],
    {},
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

const deepNest = fc
  .integer({ min: 50, max: 5000 })
  .map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`);

const pathValue = fc.oneof(
  fc.constantFrom(...realIds),
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.constantFrom(
    "%00",
    "..",
    "null",
    "undefined",
    "'",
    "x".repeat(500),
    "0190d000-0000-7000-8000-000000000000",
  ),
);

const validBodies: Record<string, () => unknown> = {
  "POST /api/v1/products": () => fuzzProduct(),
  "POST /api/v1/establishments": () => fuzzEstablishment(),
  "POST /api/v1/portfolios": () => ({
    name: `F ${nextTag()}`,
    items: [{ productId: product.id }],
  }),
  "POST /api/v1/users": () => ({
    email: `f-${nextTag().toLowerCase()}@example.co`,
    password: "una clave larga de fuzz",
    firstName: "F",
    lastName: "Z",
    role: "seller",
  }),
  "PATCH /api/v1/products/{id}": () => ({ name: "Fuzz" }),
  "PATCH /api/v1/establishments/{id}": () => ({ name: "Fuzz" }),
  "PATCH /api/v1/portfolios/{id}": () => ({ description: "Fuzz" }),
  "PATCH /api/v1/users/{id}": () => ({ firstName: "Fuzz" }),
  "PUT /api/v1/portfolios/{id}/items/{productId}": () => ({ price: 100 }),
  "POST /api/v1/auth/login": () => ({ email: "nobody@example.co", password: "x" }),
  "POST /api/v1/auth/refresh": () => ({ refreshToken: "x" }),
  "POST /api/v1/auth/logout": () => ({ refreshToken: "x" }),
  "POST /api/v1/auth/password": () => ({ currentPassword: "x", newPassword: "y" }),
};

/** A body as raw text: a valid one mutated, or something that is hardly JSON at all. */
function bodyFor(key: string): fc.Arbitrary<string | undefined> {
  const valid = validBodies[key];
  const mutated = fc
    .record({
      field: fc.string({ maxLength: 12 }),
      value: nasty,
      mode: fc.constantFrom("replace", "delete", "add", "proto"),
    })
    .map(({ field, value, mode }) => {
      const body = (valid?.() ?? {}) as Record<string, unknown>;
      const keys = Object.keys(body);
      const target = keys.length > 0 && mode !== "add" ? keys[field.length % keys.length]! : field;
      if (mode === "delete") delete body[target];
      else if (mode !== "proto") body[target] = value;
      const text = JSON.stringify(body);
      // An own "__proto__" key can only be written as text.
      return mode === "proto"
        ? `{"__proto__":{"role":"admin","isAdmin":true},${text.slice(1)}`
        : text;
    });
  return fc.oneof(
    { weight: 5, arbitrary: mutated },
    { weight: 1, arbitrary: nasty.map((value) => JSON.stringify(value) ?? "null") },
    { weight: 1, arbitrary: deepNest },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"name": "\\ud800"}',
        '{"a":',
        "not json",
        "\u0000",
        '{"name":"x"} trailing',
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function queryFor(parameters: DocumentedParameter[]): fc.Arbitrary<string> {
  const names = parameters.filter((p) => p.in === "query");
  const enums = names.filter((p) => p.schema?.enum);
  const entry = fc.oneof(
    ...(names.length > 0
      ? [
          fc
            .tuple(
              fc.constantFrom(...names),
              fc.oneof(
                nasty.map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""))),
                fc.constant(""),
              ),
            )
            .map(([p, v]) => [p.name, String(v)] as const),
        ]
      : []),
    // A documented value of an enum parameter (GET /sync has none).
    ...(enums.length > 0
      ? [
          fc
            .constantFrom(...enums)
            .chain((p) =>
              fc.constantFrom(...(p.schema?.enum ?? ["x"])).map((v) => [p.name, v] as const),
            ),
        ]
      : []),
    fc
      .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
      .map(([k, v]) => [k, v] as const),
  );
  return fc
    .array(entry, { maxLength: 4 })
    .map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString());
}

/** Row counts and version sums of every table: any write shows up here. */
async function fingerprint(): Promise<string> {
  const tables = [
    "users",
    "products",
    "portfolios",
    "portfolio_items",
    "establishments",
    "establishment_sellers",
    "audit_events",
    "idempotency_keys",
  ];
  const rows = await env.DB.batch(
    tables.map((table) =>
      env.DB.prepare(
        `select count(*) as n${["users", "products", "portfolios", "establishments"].includes(table) ? ", coalesce(sum(version), 0) as v" : ""} from ${table}`,
      ),
    ),
  );
  return JSON.stringify(rows.map((r) => r.results[0]));
}

/**
 * Auth routes change state on a rejection by design: a wrong password (at sign-in or as
 * the current password of a change) is counted towards the lock and audited, and a reused
 * refresh token revokes its session.
 */
const SIDE_EFFECTS_BY_DESIGN = new Set([
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/refresh",
  "POST /api/v1/auth/password",
]);

describe("fuzzing every documented operation", () => {
  for (const { method, path, operation } of operations) {
    const key = `${method} ${path}`;
    const parameters = operation.parameters ?? [];
    it(key, { timeout: 60_000 }, async () => {
      const roles = await signInEveryRole();
      const request = fc.record({
        role: fc.constantFrom("admin", "seller", "support", "analyst", "anonymous"),
        // The client address is part of the counterexample, so a replay sends the same one.
        // 198.18.0.0/15 (RFC 2544, for tests): support/auth's freshIp() stays in 10.0.0.0/8.
        ip: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })),
        params: fc.dictionary(fc.constantFrom("id", "userId", "productId"), pathValue),
        query: queryFor(parameters),
        body: method === "GET" || method === "DELETE" ? fc.constant(undefined) : bodyFor(key),
        contentType: fc.constantFrom(
          "application/json",
          "application/json",
          "application/json",
          "text/plain",
          undefined,
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ role, ip, params, query, body, contentType }) => {
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
            encodeURIComponent(params[name] ?? realIds[0]!),
          );
          const headers: Record<string, string> = {
            "CF-Connecting-IP": `198.18.${ip[0]}.${ip[1]}`,
            ...(role === "anonymous" ? {} : roles[role as keyof typeof roles].headers),
            ...(body !== undefined && contentType ? { "Content-Type": contentType } : {}),
          };
          const before = method === "GET" ? "" : await fingerprint();
          const response = await call(`${url}${query ? `?${query}` : ""}`, {
            method,
            headers,
            body,
          });
          const text = await response.text();
          expect(response.status, `${key} ${text.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get("Content-Type")).toBe("application/problem+json");
            const problem = JSON.parse(text) as { requestId: string; status: number };
            expect(problem.requestId).toBe(response.headers.get("X-Request-Id"));
            expect(problem.status).toBe(response.status);
            if (method !== "GET" && !SIDE_EFFECTS_BY_DESIGN.has(key)) {
              expect(
                await fingerprint(),
                `${key} changed data while answering ${response.status}`,
              ).toBe(before);
            }
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    });
  }
});

describe("stored strings come back byte for byte", () => {
  it("any well-formed Unicode name survives create and read", { timeout: 60_000 }, async () => {
    const api = client((await actor("admin")).headers);
    const name = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 150 })
      .filter((s) => /\S/.test(s) && !/\p{Cc}/u.test(s) && [...s].length <= 150 && s.length <= 150);
    await fc.assert(
      fc.asyncProperty(name, name, async (productName, storeName) => {
        const made = await created<{ id: string; name: string }>(
          await api.post("/products", newProduct({ sku: nextTag(), name: productName })),
        );
        expect(made.name).toBe(productName);
        const read = (await (await api.get(`/products/${made.id}`)).json()) as { name: string };
        expect(read.name).toBe(productName);
        const store = await created<{ id: string; address: string }>(
          await api.post(
            "/establishments",
            fuzzEstablishment({ address: storeName.slice(0, 200) }),
          ),
        );
        expect(store.address).toBe(storeName.slice(0, 200));
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});
