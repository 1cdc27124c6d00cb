// End to end against `npm run dev`, as a client reading only the OpenAPI document would:
// an admin creates a product, a portfolio, a seller and an establishment, links them, and
// the seller signs in and loads the portfolio of a store on their route.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAccounts, startDevServer } from "./dev-server.mjs";
import { fetchJson } from "./http.mjs";

const tag = Date.now().toString(36);
const adminEmail = `e2e-admin-${tag}@example.co`;
const password = "una frase e2e bastante larga";
let dev;
let documented;

before(async () => {
  createAccounts({ admin: adminEmail }, password);
  dev = await startDevServer();
  const spec = await (await fetch(`${dev.origin}/api/v1/openapi.json`)).json();
  documented = new Set(
    Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
});

after(() => dev?.stop());

/** Calls an operation by its documented method and path template. */
async function call(token, method, template, params = {}, body) {
  assert.ok(
    documented.has(`${method} ${template}`),
    `${method} ${template} is not in the OpenAPI document`,
  );
  const path = template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]));
  return fetchJson(`${dev.origin}${path}`, method, { token, body });
}

async function signIn(email) {
  const { status, body } = await call(null, "POST", "/api/v1/auth/login", {}, { email, password });
  assert.equal(status, 200);
  return body.accessToken;
}

test("admin builds the catalogue; the seller reads their store's portfolio", async () => {
  const admin = await signIn(adminEmail);

  const product = await call(
    admin,
    "POST",
    "/api/v1/products",
    {},
    { sku: `E2E-${tag}`, name: "Gaseosa", category: "bebidas", unit: "unit", price: 2500 },
  );
  assert.equal(product.status, 201);

  const portfolio = await call(
    admin,
    "POST",
    "/api/v1/portfolios",
    {},
    { name: `E2E ${tag}`, items: [{ productId: product.body.id, price: 2200 }] },
  );
  assert.equal(portfolio.status, 201);

  const sellerEmail = `e2e-seller-${tag}@example.co`;
  const seller = await call(
    admin,
    "POST",
    "/api/v1/users",
    {},
    { email: sellerEmail, password, firstName: "Sara", lastName: "Vendedora", role: "seller" },
  );
  assert.equal(seller.status, 201);

  const store = await call(
    admin,
    "POST",
    "/api/v1/establishments",
    {},
    {
      name: `Tienda E2E ${tag}`,
      kind: "tienda",
      address: "Cra 7 # 1-1",
      city: "Tunja",
      department: "Boyacá",
      portfolioId: portfolio.body.id,
    },
  );
  assert.equal(store.status, 201);

  const assign = await call(admin, "PUT", "/api/v1/establishments/{id}/sellers/{userId}", {
    id: store.body.id,
    userId: seller.body.id,
  });
  assert.equal(assign.status, 204);

  const sellerToken = await signIn(sellerEmail);
  const route = await call(sellerToken, "GET", "/api/v1/establishments");
  assert.deepEqual(
    route.body.data.map((e) => e.id),
    [store.body.id],
  );

  const carried = await call(sellerToken, "GET", "/api/v1/establishments/{id}/portfolio", {
    id: store.body.id,
  });
  assert.equal(carried.status, 200);
  assert.equal(carried.body.id, portfolio.body.id);
  assert.deepEqual(
    carried.body.items.map((i) => [i.sku, i.effectivePrice]),
    [[`E2E-${tag}`.toUpperCase(), 2200]],
  );

  // The seller may not touch the catalogue.
  const forbidden = await call(
    sellerToken,
    "POST",
    "/api/v1/products",
    {},
    { sku: `X-${tag}`, name: "X", category: "x", unit: "unit", price: 1 },
  );
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.headers.get("content-type"), "application/problem+json");
});
