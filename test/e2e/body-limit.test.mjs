// Refused bodies against `npm run dev`: answering a request before its upload is read to
// the end used to break the next request on the same dev server (503 "Your worker
// restarted mid-request" from wrangler's proxy). Only a real dev server shows it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startDevServer } from "./dev-server.mjs";

const MiB = 1024 * 1024;
let dev;

before(async () => {
  dev = await startDevServer();
});

after(() => dev?.stop());

/** A body sent chunked (no Content-Length), 64 KiB at a time. */
function chunkedBody(bytes) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(chunk.length, bytes - sent);
      controller.enqueue(chunk.subarray(0, size));
      sent += size;
    },
  });
}

async function post(path, { contentType = "application/json", body }) {
  const response = await fetch(`${dev.origin}${path}`, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body,
    duplex: "half",
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("Content-Type"), text };
}

async function expectProblem(response, status, kind) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.type, "application/problem+json");
  assert.equal(JSON.parse(response.text).type, `/problems/${kind}`);
}

/** Ordinary writes after a refused one: each must get its own answer, never a 503. */
async function expectNextWritesAnswered() {
  const credentials = JSON.stringify({ email: "x@example.co", password: "whatever-long-pw" });
  for (let i = 0; i < 3; i++) {
    await expectProblem(
      await post("/api/v1/auth/login", { body: credentials }),
      401,
      "unauthorized",
    );
  }
  await expectProblem(await post("/api/v1/products", { body: "{}" }), 401, "unauthorized");
}

test("a chunked body over 1 MiB gets 413 and the next writes are answered", async () => {
  for (const bytes of [2 * MiB + 5, 10 * MiB]) {
    const refused = await post("/api/v1/auth/login", { body: chunkedBody(bytes) });
    await expectProblem(refused, 413, "payload-too-large");
    await expectNextWritesAnswered();
  }
});

test("a body over 1 MiB by Content-Length gets 413 and the next writes are answered", async () => {
  const refused = await post("/api/v1/products", { body: "x".repeat(2 * MiB) });
  await expectProblem(refused, 413, "payload-too-large");
  await expectNextWritesAnswered();
});

test("a large body answered 401 unread, sent as Application/JSON, does not break the next writes", async () => {
  // A Content-Type spelling the validator does not read is rewritten on a copy of the request.
  const body = JSON.stringify({ name: "x".repeat(512 * 1024) });
  const refused = await post("/api/v1/products", { contentType: "Application/JSON", body });
  await expectProblem(refused, 401, "unauthorized");
  await expectNextWritesAnswered();
});
