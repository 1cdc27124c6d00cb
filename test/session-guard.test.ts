import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { currentAccess, SESSION_IDLE_SECONDS, sessionGuard } from "../src/auth/sessions";
import { createDatabase } from "../src/db/client";
import type { UserRole } from "../src/db/schema";
import { client, newEstablishment, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";

/**
 * The session guard (migrations/0003_session_guard.sql) is how an authenticated request
 * checks its session without a round trip of its own: it leads the request's first batch
 * and aborts it. These tests hold it to currentAccess() and to "nothing read, nothing
 * written" when it refuses.
 */
const NOW = Date.UTC(2030, 0, 15, 12);
const iso = (ms: number) => new Date(ms).toISOString();

const sessionOf = (accessToken: string) => String(decodeJwt(accessToken).sid);

/** Whether each form of the guard lets a batch through for these claims at NOW. */
async function guardPasses(claims: { userId: string; sessionId: string; role: UserRole }) {
  const { check, abort } = sessionGuard(createDatabase(env.DB), claims, NOW);
  const [verdict] = await env.DB.batch([env.DB.prepare(check.query).bind(...check.params)]);
  const checks = check.passes(verdict!.results);
  let aborts = false;
  try {
    await env.DB.batch([
      env.DB.prepare(abort.query).bind(...abort.params),
      env.DB.prepare("select 1"),
    ]);
  } catch (error) {
    expect(String(error)).toContain("session_guard_refused");
    aborts = true;
  }
  // The read form and the write form always agree.
  expect(checks).toBe(!aborts);
  return checks;
}

describe("the session guard", () => {
  it("agrees with currentAccess() on every state a session and its user can be in", async () => {
    const states: [string, string, (userId: string, sessionId: string) => string][] = [
      ["alive", "", () => "select 1"],
      [
        "revoked",
        "",
        (_, s) =>
          `update sessions set revoked_at = '${iso(NOW - 1000)}', revoked_reason = 'logout' where id = '${s}'`,
      ],
      ["expired", "", (_, s) => `update sessions set expires_at = '${iso(NOW)}' where id = '${s}'`],
      [
        "idle",
        "",
        (_, s) =>
          `update sessions set last_used_at = '${iso(NOW - SESSION_IDLE_SECONDS * 1000 - 1)}' where id = '${s}'`,
      ],
      ["user disabled", "", (u) => `update users set status = 'disabled' where id = '${u}'`],
      ["role changed", "", (u) => `update users set role = 'analyst' where id = '${u}'`],
    ];
    for (const [state, , change] of states) {
      const { user, tokens } = await actor("seller");
      const sessionId = sessionOf(tokens.accessToken);
      // Fresh sessions end 30 days after sign-in and were used just now: seen from NOW.
      await env.DB.prepare(
        "update sessions set created_at = ?, last_used_at = ?, expires_at = ? where id = ?",
      )
        .bind(iso(NOW - 1000), iso(NOW - 1000), iso(NOW + 1000 * 3600), sessionId)
        .run();
      await env.DB.prepare(change(user.id, sessionId)).run();
      const claims = { userId: user.id, sessionId, role: "seller" as const };
      const access = await currentAccess(createDatabase(env.DB), user.id, sessionId, NOW);
      expect(await guardPasses(claims), state).toBe(access?.role === "seller");
      expect(access === null, state).toBe(state !== "alive" && state !== "role changed");
      // Another user's session, or another user's id on this session: refused.
      expect(await guardPasses({ ...claims, userId: crypto.randomUUID() }), state).toBe(false);
    }
  });

  it("a revoked session's write writes nothing: no row, no audit, no Idempotency-Key record", async () => {
    const { user, headers, tokens } = await actor("admin");
    const admin = client(headers);
    await env.DB.prepare(
      "update sessions set revoked_at = ?, revoked_reason = 'revoked_by_staff' where id = ?",
    )
      .bind(new Date().toISOString(), sessionOf(tokens.accessToken))
      .run();
    const product = newProduct();
    const response = await admin.post("/products", product, { "Idempotency-Key": "guarded-1" });
    await expectProblem(response, 401, "unauthorized");
    const counts = await env.DB.batch([
      env.DB.prepare("select count(*) as n from products where sku = ?").bind(product.sku),
      env.DB.prepare(
        "select count(*) as n from audit_events where actor_id = ? and entity_type = 'product'",
      ).bind(user.id),
      env.DB.prepare("select count(*) as n from idempotency_keys where user_id = ?").bind(user.id),
    ]);
    expect(counts.map((result) => result.results[0])).toEqual([{ n: 0 }, { n: 0 }, { n: 0 }]);
  });

  it("an ended session gets a 401 even where validation would answer 400 or a role 403", async () => {
    const seller = await actor("seller");
    await env.DB.prepare("update users set status = 'disabled' where id = ?")
      .bind(seller.user.id)
      .run();
    const api = client(seller.headers);
    await expectProblem(await api.post("/establishments", { name: 1 }), 401, "unauthorized");
    await expectProblem(await api.get("/products?limit=0"), 401, "unauthorized");
    await expectProblem(await api.post("/products", newProduct()), 401, "unauthorized");
  });

  it("a promoted seller's same token works with the new role; a demoted admin's reads follow theirs", async () => {
    const seller = await actor("seller");
    const admin = await actor("admin");
    const asSeller = client(seller.headers);
    await expectProblem(await asSeller.get("/users"), 403, "forbidden");
    await env.DB.prepare("update users set role = 'admin' where id = ?").bind(seller.user.id).run();
    expect((await asSeller.get("/users")).status).toBe(200);

    // The store is off the demoted admin's route: once a seller, it is not found.
    const store = (await (
      await client(admin.headers).post("/establishments", newEstablishment())
    ).json()) as { id: string };
    const other = await actor("admin");
    const asOther = client(other.headers);
    expect((await asOther.get(`/establishments/${store.id}`)).status).toBe(200);
    await env.DB.prepare("update users set role = 'seller' where id = ?").bind(other.user.id).run();
    const refused = await asOther.get(`/establishments/${store.id}`);
    await expectProblem(refused, 404, "not-found");
    // The refused batch, the role read again, the read as a seller.
    expect(refused.headers.get("Server-Timing")).toMatch(/^d1;desc="3 round trips";dur=\d+\.\d$/);
    const created = await asOther.post("/establishments", newEstablishment());
    expect(created.status).toBe(201);
    expect(((await created.json()) as { portfolioId: unknown }).portfolioId).toBeNull();
  });

  it("50 concurrent reads while the session is revoked: each is a 200 or a 401, and every one after is a 401", async () => {
    const { headers, tokens } = await actor("admin");
    const admin = client(headers);
    const revoke = env.DB.prepare(
      "update sessions set revoked_at = ?, revoked_reason = 'revoked_by_staff' where id = ?",
    ).bind(new Date().toISOString(), sessionOf(tokens.accessToken));
    const [, ...reads] = await Promise.all([
      revoke.run(),
      ...Array.from({ length: 50 }, () => admin.get("/products?limit=5")),
    ]);
    for (const response of reads) expect([200, 401]).toContain(response.status);
    for (let i = 0; i < 5; i++)
      await expectProblem(await admin.get("/products?limit=5"), 401, "unauthorized");
  });
});
