import { describe, expect, it } from "vitest";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, bearer, createUser, login, PASSWORD, refresh, signIn } from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: { id: string; email: string | null } | null;
  action: string;
  entityType: string;
  entityId: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}
interface Page {
  data: AuditEvent[];
  nextCursor: string | null;
}

const admin = await actor("admin");
const support = await actor("support");
const staff = client(support.headers);

/** The audit rows a request left, read back by its X-Request-Id. */
async function eventsOf(requestId: string) {
  const response = await staff.get(`/audit-events?requestId=${requestId}&sort=occurredAt`);
  expect(response.status).toBe(200);
  return ((await response.json()) as Page).data;
}

let requestCount = 0;
/** A request id no other request in this file has. */
const rid = (label: string) => `${label}-${++requestCount}`;

describe("GET /api/v1/audit-events: every kind of event, with its actor and request id", () => {
  it("a create, an update and a delete of a product, each under its request id", async () => {
    const api = client(admin.headers);
    const [a, b, c] = [rid("create"), rid("update"), rid("delete")];
    const product = await created<{ id: string }>(
      await api.post("/products", newProduct(), { "X-Request-Id": a }),
    );
    expect(
      (await api.patch(`/products/${product.id}`, { price: 999 }, { "X-Request-Id": b })).status,
    ).toBe(200);
    expect((await api.delete(`/products/${product.id}`, { "X-Request-Id": c })).status).toBe(204);

    const [createdRow] = await eventsOf(a);
    expect(createdRow).toMatchObject({
      action: "product.created",
      entityType: "product",
      entityId: product.id,
      actor: { id: admin.user.id, email: admin.user.email },
      requestId: a,
    });
    expect((await eventsOf(b))[0]).toMatchObject({
      action: "product.updated",
      changes: { price: { before: 2500, after: 999 } },
    });
    expect((await eventsOf(c))[0]).toMatchObject({ action: "product.deleted" });
  });

  it("a seller's store create and an admin's assignment", async () => {
    const seller = await actor("seller");
    const store = await created<{ id: string }>(
      await client(seller.headers).post("/establishments", newEstablishment(), {
        "X-Request-Id": "store-create",
      }),
    );
    expect((await eventsOf("store-create"))[0]).toMatchObject({
      action: "establishment.created",
      actor: { id: seller.user.id },
    });
    const other = await createUser();
    const id = rid("assign");
    await client(admin.headers).put(
      `/establishments/${store.id}/sellers/${other.id}`,
      {},
      {
        "X-Request-Id": id,
      },
    );
    expect((await eventsOf(id))[0]).toMatchObject({
      action: "establishment.seller_assigned",
      entityId: store.id,
      actor: { id: admin.user.id },
    });
  });

  it("sign-in, a wrong password, an unknown email and a lockout, with IP and user agent", async () => {
    const user = await createUser();
    const ip = "203.0.113.7";
    const send = (email: string, password: string, requestId: string) =>
      call(
        "/api/v1/auth/login",
        jsonBody(
          { email, password },
          {
            headers: {
              "CF-Connecting-IP": ip,
              "User-Agent": "PortafolioApp/3.4",
              "X-Request-Id": requestId,
            },
          },
        ),
      );
    expect((await send(user.email, PASSWORD, "in-ok")).status).toBe(200);
    expect((await send(user.email, "wrong password", "in-bad")).status).toBe(401);
    expect((await send("nobody-here@example.co", "whatever", "in-unknown")).status).toBe(401);

    expect((await eventsOf("in-ok"))[0]).toMatchObject({
      action: "auth.login",
      entityId: user.id,
      actor: { id: user.id },
      ip,
      userAgent: "PortafolioApp/3.4",
    });
    expect((await eventsOf("in-bad"))[0]).toMatchObject({
      action: "auth.login_failed",
      entityType: "user",
      entityId: user.id,
      actor: null,
      changes: { reason: { before: null, after: "wrong_password" } },
    });
    expect((await eventsOf("in-unknown"))[0]).toMatchObject({
      action: "auth.login_failed",
      entityType: "email",
      entityId: "nobody-here@example.co",
      changes: { reason: { after: "unknown_email" } },
    });

    // From an unknown network, the 11th attempt of a window is refused: the lockout.
    const stranger = await createUser();
    for (let i = 0; i < 10; i++) await login(stranger.email, "wrong password", "198.51.100.1");
    const refused = await call(
      "/api/v1/auth/login",
      jsonBody(
        { email: stranger.email, password: PASSWORD },
        { headers: { "CF-Connecting-IP": "198.51.100.1", "X-Request-Id": "in-locked" } },
      ),
    );
    expect(refused.status).toBe(429);
    const [lockout] = await eventsOf("in-locked");
    expect(lockout).toMatchObject({
      action: "auth.locked_out",
      entityId: stranger.id,
      changes: { bucket: { after: "*" } },
    });
    const until = Date.parse(lockout!.changes!.lockedUntil!.after as string);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(Math.abs(until - (Date.parse(lockout!.occurredAt) + retryAfter * 1000))).toBeLessThan(
      2000,
    );
  });

  it("refresh, logout and logout-all name the sessions they touched", async () => {
    const user = await createUser();
    const first = await signIn(user.email);
    const second = await signIn(user.email);
    const third = await signIn(user.email);
    const sessionOf = (token: string) =>
      JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;

    const refreshed = await call(
      "/api/v1/auth/refresh",
      jsonBody({ refreshToken: first.refreshToken }, { headers: { "X-Request-Id": "rf" } }),
    );
    expect(refreshed.status).toBe(200);
    expect((await eventsOf("rf"))[0]).toMatchObject({
      action: "auth.refresh",
      entityId: user.id,
      actor: { id: user.id },
      changes: { sessionId: { after: sessionOf(first.accessToken) } },
    });
    // A refresh that loses (a retired token) is a reuse, not a refresh.
    await call(
      "/api/v1/auth/refresh",
      jsonBody({ refreshToken: first.refreshToken }, { headers: { "X-Request-Id": "rf-reuse" } }),
    );
    expect((await eventsOf("rf-reuse")).map((e) => e.action)).toEqual([
      "auth.refresh_reuse_detected",
    ]);

    const logout = (token: string, requestId: string) =>
      call(
        "/api/v1/auth/logout",
        jsonBody({ refreshToken: token }, { headers: { "X-Request-Id": requestId } }),
      );
    expect((await logout(second.refreshToken, "out")).status).toBe(204);
    expect((await eventsOf("out"))[0]).toMatchObject({
      action: "auth.logout",
      actor: { id: user.id },
      changes: { sessions: { before: [sessionOf(second.accessToken)], after: [] } },
    });
    // Logging out again ends nothing, and records nothing.
    expect((await logout(second.refreshToken, "out-again")).status).toBe(204);
    expect(await eventsOf("out-again")).toEqual([]);

    const fourth = await signIn(user.email);
    const all = await call("/api/v1/auth/logout-all", {
      method: "POST",
      headers: { ...bearer(fourth.accessToken), "X-Request-Id": "out-all" },
    });
    expect(all.status).toBe(204);
    const [row] = await eventsOf("out-all");
    expect(row).toMatchObject({ action: "auth.logout_all", actor: { id: user.id } });
    expect((row!.changes!.sessions!.before as string[]).sort()).toEqual(
      [sessionOf(third.accessToken), sessionOf(fourth.accessToken)].sort(),
    );
    expect(await refresh(third.refreshToken)).toHaveProperty("status", 401);
  });

  it("staff revoking sessions, a role change and disabling a user are named actions", async () => {
    const user = await createUser();
    const session = await signIn(user.email);
    const sid = JSON.parse(
      atob(session.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")),
    ).sid;
    await staff.delete(`/users/${user.id}/sessions`, { "X-Request-Id": "revoke" });
    expect((await eventsOf("revoke"))[0]).toMatchObject({
      action: "user.sessions_revoked",
      entityId: user.id,
      actor: { id: support.user.id, email: support.user.email },
      changes: { sessions: { before: [sid], after: [] } },
    });

    const api = client(admin.headers);
    await api.patch(`/users/${user.id}`, { role: "analyst" }, { "X-Request-Id": "role" });
    expect((await eventsOf("role"))[0]).toMatchObject({
      action: "user.role_changed",
      changes: { role: { before: "seller", after: "analyst" } },
    });
    await api.patch(
      `/users/${user.id}`,
      { status: "disabled", lastName: "Ruiz" },
      {
        "X-Request-Id": "disable",
      },
    );
    expect((await eventsOf("disable"))[0]).toMatchObject({
      action: "user.disabled",
      changes: {
        status: { before: "active", after: "disabled" },
        lastName: { before: "Gómez", after: "Ruiz" },
      },
    });
    await api.patch(`/users/${user.id}`, { status: "active" }, { "X-Request-Id": "enable" });
    expect((await eventsOf("enable"))[0]).toMatchObject({ action: "user.enabled" });
    await api.patch(`/users/${user.id}`, { firstName: "Beatriz" }, { "X-Request-Id": "rename" });
    expect((await eventsOf("rename"))[0]).toMatchObject({ action: "user.updated" });
  });

  it("never shows a password, a hash or a token", async () => {
    const user = await createUser();
    const tokens = await signIn(user.email);
    await refresh(tokens.refreshToken);
    await login(user.email, "my secret guess");
    const response = await staff.get(`/audit-events?entityId=${user.id}&limit=100`);
    const text = await response.text();
    expect(JSON.parse(text).data.length).toBeGreaterThanOrEqual(3);
    for (const secret of [PASSWORD, "my secret guess", tokens.refreshToken, tokens.accessToken]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/pbkdf2|passwordHash|tokenHash|codeHash/i);
  });
});

describe("GET /api/v1/audit-events: filters and pages", () => {
  it("filters by actor, entity, action and time, and walks pages newest first, each row once", async () => {
    const me = await actor("admin");
    const api = client(me.headers);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await created<{ id: string }>(await api.post("/products", newProduct()))).id);
    }
    const seen: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const response = await staff.get(
        `/audit-events?actorId=${me.user.id}&action=product.created&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(response.status).toBe(200);
      const page = (await response.json()) as Page;
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.entityId)).toEqual([...ids].reverse());
    const times = seen.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const byEntity = (await (
      await staff.get(`/audit-events?entityType=product&entityId=${ids[3]}`)
    ).json()) as Page;
    expect(byEntity.data.map((e) => e.action)).toEqual(["product.created"]);
    const wrongType = (await (
      await staff.get(`/audit-events?entityType=user&entityId=${ids[3]}`)
    ).json()) as Page;
    expect(wrongType.data).toEqual([]);

    const since = seen[2]!.occurredAt;
    const until = seen[0]!.occurredAt;
    const window = (await (
      await staff.get(`/audit-events?actorId=${me.user.id}&since=${since}&until=${until}&limit=100`)
    ).json()) as Page;
    for (const event of window.data) {
      expect(event.occurredAt >= since && event.occurredAt < until).toBe(true);
    }
    expect(window.data.map((e) => e.entityId)).toContain(ids[4]);
    expect(window.data.map((e) => e.entityId)).not.toContain(ids[6]);
  });

  it("reads since/until with any offset as the instant it names", async () => {
    const response = await staff.get(
      `/audit-events?since=${encodeURIComponent("2026-01-01T00:00:00-05:00")}&until=2026-01-01T05:00:00.001Z`,
    );
    expect(response.status).toBe(200);
  });

  it.each([
    ["action=drop table", "query.action"],
    ["entityType=Product", "query.entityType"],
    ["requestId=a%20b", "query.requestId"],
    ["since=yesterday", "query.since"],
    ["since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "query.until"],
    ["cursor=nonsense", "query.cursor"],
    ["limit=101", "query.limit"],
    ["sort=action", "query.sort"],
  ])("?%s → 400 naming %s", async (query, path) => {
    const body = await expectProblem(
      await staff.get(`/audit-events?${query}`),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });
});
