// End to end against `npm run dev`: support answers "why can't this seller sign in?" and
// "what happened in request Y?" with one call each, and gets the seller back in with a
// temporary password.
import assert from "node:assert/strict";
import { test } from "node:test";
import { devServerSuite } from "./dev-server.mjs";

const tag = Date.now().toString(36);
const password = "una frase e2e bastante larga";
const emails = {
  admin: `e2e-support-admin-${tag}@example.co`,
  support: `e2e-support-${tag}@example.co`,
  seller: `e2e-support-seller-${tag}@example.co`,
};
const { call, server } = devServerSuite(emails, password);

const login = (email, pass, ip = "203.0.113.10") =>
  call("POST", "/auth/login", {
    body: { email, password: pass },
    headers: { "CF-Connecting-IP": ip },
  });

async function tokenOf(email) {
  const { status, body } = await login(email, password);
  assert.equal(status, 200);
  return body.accessToken;
}

test("support finds why a seller cannot sign in, then gets them back in", async () => {
  const support = await tokenOf(emails.support);
  // The seller types a wrong password three times from a network they never used.
  for (let i = 0; i < 3; i++) {
    assert.equal((await login(emails.seller, "no es la clave", "198.51.100.77")).status, 401);
  }
  const found = await call("GET", `/users?q=${encodeURIComponent(emails.seller)}`, {
    token: support,
  });
  assert.equal(found.status, 200);
  const seller = found.body.data[0];

  const status = await call("GET", `/users/${seller.id}/sign-in-status`, {
    token: support,
    headers: { "Accept-Language": "es-CO" },
  });
  assert.equal(status.status, 200);
  assert.equal(status.headers.get("content-language"), "es");
  assert.equal(status.body.failedAttemptsInWindow, 3);
  assert.deepEqual(
    status.body.recentFailures.map((f) => [f.reason, f.ip]),
    Array(3).fill(["wrong_password", "198.51.100.77"]),
  );
  assert.deepEqual(
    status.body.findings.map((f) => f.code),
    ["wrong_passwords"],
  );
  assert.match(status.body.diagnosis, /3 contraseña\(s\) errada\(s\)/);

  // A temporary password, read to the seller over the phone.
  const reset = await call("POST", `/users/${seller.id}/password-reset`, { token: support });
  assert.equal(reset.status, 200);
  const temporary = await login(emails.seller, reset.body.temporaryPassword);
  assert.equal(temporary.status, 403);
  assert.equal(temporary.body.type, "/problems/password-change-required");
  const changed = await call("POST", "/auth/password", {
    token: temporary.body.passwordChangeToken,
    body: { newPassword: "mi clave nueva de vendedor" },
  });
  assert.equal(changed.status, 204);
  assert.equal((await login(emails.seller, "mi clave nueva de vendedor")).status, 200);
});

test("support reads what one request did from the id the app showed", async () => {
  const admin = await tokenOf(emails.admin);
  const support = await tokenOf(emails.support);
  const requestId = `phone-${tag}.retry_1`;
  const created = await call("POST", "/products", {
    token: admin,
    headers: { "X-Request-Id": requestId },
    body: {
      sku: `E2E-${tag}`,
      name: "Tinto 250 ml",
      category: "bebidas",
      unit: "unit",
      price: 1200,
    },
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("x-request-id"), requestId);
  // And a failing one: its problem body carries the same id.
  const failed = await call("PATCH", `/products/${created.body.id}`, {
    token: admin,
    headers: { "X-Request-Id": `${requestId}-2` },
    body: { price: -5 },
  });
  assert.equal(failed.status, 400);
  assert.equal(failed.body.requestId, `${requestId}-2`);

  const trail = await call("GET", `/audit-events?requestId=${requestId}`, { token: support });
  assert.equal(trail.status, 200);
  assert.equal(trail.body.data.length, 1);
  assert.equal(trail.body.data[0].action, "product.created");
  assert.equal(trail.body.data[0].entityId, created.body.id);
  assert.equal(trail.body.data[0].actor.email, emails.admin);
  // The failed request changed nothing, and its log line carries its id.
  const nothing = await call("GET", `/audit-events?requestId=${requestId}-2`, { token: support });
  assert.deepEqual(nothing.body.data, []);
  assert.match(server().output(), new RegExp(`"requestId":"${requestId}-2"`));
});
