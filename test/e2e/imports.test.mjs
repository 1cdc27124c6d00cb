// Bulk imports against `npm run dev`: a file streamed in chunks becomes a Workflow job that
// runs under wrangler dev to the end, and uploads refused before or while they are read
// (no role, a bad header) leave the next requests on the dev server answered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { devServerSuite } from "./dev-server.mjs";

const tag = Date.now().toString(36).toUpperCase();
const password = "una frase e2e bastante larga";
const emails = {
  admin: `e2e-import-admin-${tag}@example.co`,
  seller: `e2e-import-seller-${tag}@example.co`,
};
const { call, server } = devServerSuite(emails, password);

async function tokenOf(email) {
  const { status, body } = await call("POST", "/auth/login", {
    body: { email, password },
    headers: { "CF-Connecting-IP": "203.0.113.20" },
  });
  assert.equal(status, 200);
  return body.accessToken;
}

/** `rows` CSV rows of products after the header, streamed chunked (no Content-Length). */
function productsFile(rows, header = "sku;name;category;unit;price") {
  const lines = [`\uFEFF${header}\r\n`];
  for (let i = 0; i < rows; i++)
    lines.push(`${tag}-${i};Producto Ñandú ${i};bebidas;unit;1.500\r\n`);
  const bytes = new TextEncoder().encode(lines.join(""));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(sent, sent + 64 * 1024));
      sent += 64 * 1024;
    },
  });
}

async function upload(token, body, query = "") {
  const response = await fetch(`${server().origin}/api/v1/imports/products${query}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
    body,
    duplex: "half",
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

async function nextRequestsAnswered(token) {
  for (let i = 0; i < 3; i++) {
    const { status } = await call("GET", "/imports?limit=1", { token });
    assert.equal(status, 200);
  }
}

test("a 7,000-row file streamed in chunks runs as a job to the end under wrangler dev", async () => {
  const admin = await tokenOf(emails.admin);
  const accepted = await upload(admin, productsFile(7_000), "?fileName=nacional.csv");
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  assert.equal(accepted.headers.get("Location"), `/api/v1/imports/${accepted.body.id}`);
  let job = accepted.body;
  for (let i = 0; i < 240 && job.status === "running"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = (await call("GET", `/imports/${job.id}`, { token: admin })).body;
  }
  assert.deepEqual(
    [job.status, job.created, job.rejected, job.rowsDone],
    ["completed", 7_000, 0, 7_000],
  );
  const page = await call("GET", `/products?q=${tag}-6999`, { token: admin });
  assert.equal(page.body.data[0].price, 1500);
  assert.equal(page.body.data[0].name, "Producto Ñandú 6999");
});

test("uploads refused unread (a seller) or halfway (a bad header) leave the next requests answered", async () => {
  const admin = await tokenOf(emails.admin);
  const seller = await tokenOf(emails.seller);
  const refused = await upload(seller, productsFile(40_000));
  assert.equal(refused.status, 403);
  await nextRequestsAnswered(admin);
  const badHeader = await upload(admin, productsFile(40_000, "sku;name;password"));
  assert.equal(badHeader.status, 400);
  assert.deepEqual(
    badHeader.body.errors.map((e) => e.path),
    ["/1/password"],
  );
  await nextRequestsAnswered(admin);
});
