import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { actor, createUser, login, me, refresh } from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

const newUser = (overrides: Record<string, unknown> = {}) => ({
  email: `new-${crypto.randomUUID()}@example.co`,
  password: "una frase larga y secreta",
  firstName: "José",
  lastName: "Núñez",
  role: "seller",
  ...overrides,
});

const post = (headers: HeadersInit, body: unknown) =>
  call("/api/v1/users", jsonBody(body, { headers }));
const patch = (headers: HeadersInit, id: string, body: unknown, extra: HeadersInit = {}) =>
  call(
    `/api/v1/users/${id}`,
    jsonBody(body, { method: "PATCH", headers: { ...headers, ...extra } }),
  );

describe("POST /api/v1/users", () => {
  it("creates a user: 201, Location, ETag, no password hash; they can sign in", async () => {
    const { headers } = await actor("admin");
    const body = newUser({ documentNumber: "1032456789", phone: "+57 300 555 0100" });
    const response = await post(headers, body);
    expect(response.status).toBe(201);
    const user = (await response.json()) as Record<string, unknown>;
    expect(response.headers.get("Location")).toBe(`/api/v1/users/${user.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(user).toMatchObject({
      email: body.email,
      firstName: "José",
      lastName: "Núñez",
      role: "seller",
      status: "active",
      version: 1,
    });
    for (const field of ["passwordHash", "failedLoginCount", "lockedUntil"])
      expect(user).not.toHaveProperty(field);
    expect((await login(body.email, body.password)).status).toBe(200);
  });

  it("stores the email lower-cased and refuses a duplicate in another letter case (409 on /email)", async () => {
    const { headers } = await actor("admin");
    const first = await post(headers, newUser({ email: "Carlos.Ruiz@Example.co" }));
    expect(((await first.json()) as { email: string }).email).toBe("carlos.ruiz@example.co");
    const again = await post(headers, newUser({ email: "CARLOS.RUIZ@example.CO" }));
    const body = await expectProblem(again, 409, "conflict");
    expect(body.errors).toEqual([{ path: "/email", message: "email is already taken" }]);
  });

  it("refuses a duplicate document number (409 on /documentNumber)", async () => {
    const { headers } = await actor("admin");
    expect((await post(headers, newUser({ documentNumber: "79845123" }))).status).toBe(201);
    const body = await expectProblem(
      await post(headers, newUser({ documentNumber: "79845123" })),
      409,
      "conflict",
    );
    expect(body.errors).toEqual([
      { path: "/documentNumber", message: "documentNumber is already taken" },
    ]);
  });

  it.each([
    ["a short password", { password: "short" }, "/password", /at least 12/],
    ["a common password", { password: "1qaz2wsx3edc" }, "/password", /most common/],
    [
      "the email as password",
      { email: "p@example.co", password: "p@example.co" },
      "/password",
      /email/,
    ],
    ["an unknown role", { role: "root" }, "/role", /./],
    ["a blank name", { firstName: "   " }, "/firstName", /blank/],
    ["a control character", { lastName: "Núñez\u0000" }, "/lastName", /control/],
    ["a bad email", { email: "nope" }, "/email", /email/],
    ["mass assignment of id", { id: "mine" }, "/id", /is not a known field/],
    ["mass assignment of version", { version: 9 }, "/version", /is not a known field/],
    [
      "mass assignment of passwordHash",
      { passwordHash: "x" },
      "/passwordHash",
      /is not a known field/,
    ],
  ])("rejects %s with 400 naming the field", async (_, overrides, path, message) => {
    const { headers } = await actor("admin");
    const body = await expectProblem(
      await post(headers, newUser(overrides)),
      400,
      "validation-error",
    );
    expect(body.errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("writes an audit event in the same batch", async () => {
    const { headers, user: admin } = await actor("admin");
    const created = (await (await post(headers, newUser())).json()) as { id: string };
    const row = await env.DB.prepare(
      "select actor_id, action from audit_events where entity_id = ?",
    )
      .bind(created.id)
      .first();
    expect(row).toEqual({ actor_id: admin.id, action: "user.created" });
  });
});

describe("GET /api/v1/users", () => {
  it("filters by role, status and q, and paginates", async () => {
    const { headers } = await actor("support");
    const tag = crypto.randomUUID().slice(0, 8);
    for (let i = 0; i < 5; i++)
      await createUser({ role: "analyst", lastName: `Zapata-${tag}-${i}` });
    await createUser({ role: "seller", lastName: `Zapata-${tag}-seller` });
    await createUser({ role: "analyst", status: "disabled", lastName: `Zapata-${tag}-off` });
    const first = await call(
      `/api/v1/users?role=analyst&status=active&q=${tag}&limit=3&sort=lastName`,
      { headers },
    );
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { data: { lastName: string }[]; nextCursor: string };
    expect(page1.data.map((u) => u.lastName)).toEqual([0, 1, 2].map((i) => `Zapata-${tag}-${i}`));
    const page2 = (await (
      await call(
        `/api/v1/users?role=analyst&status=active&q=${tag}&limit=3&sort=lastName&cursor=${page1.nextCursor}`,
        { headers },
      )
    ).json()) as { data: { lastName: string }[]; nextCursor: null };
    expect(page2.data.map((u) => u.lastName)).toEqual([3, 4].map((i) => `Zapata-${tag}-${i}`));
    expect(page2.nextCursor).toBeNull();
  });

  it("treats % and _ in q literally", async () => {
    const { headers } = await actor("admin");
    await createUser({ lastName: "Literal_Underscore" });
    const response = await call("/api/v1/users?q=%25", { headers });
    const body = (await response.json()) as { data: unknown[] };
    expect(body.data).toEqual([]);
  });

  it("rejects bad filters with 400", async () => {
    const { headers } = await actor("admin");
    const body = await expectProblem(
      await call("/api/v1/users?role=root&sort=password", { headers }),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "query.role",
      "query.sort",
    ]);
  });
});

describe("GET /api/v1/users/{id}", () => {
  it("lets anyone read themselves, with ETag and 304", async () => {
    const { user, headers } = await actor("seller");
    const response = await call(`/api/v1/users/${user.id}`, { headers });
    expect(response.status).toBe(200);
    const etag = response.headers.get("ETag")!;
    const again = await call(`/api/v1/users/${user.id}`, {
      headers: { ...headers, "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
  });

  it("hides other users from sellers and analysts (404, not 403)", async () => {
    const other = await createUser();
    for (const role of ["seller", "analyst"] as const) {
      const { headers } = await actor(role);
      await expectProblem(await call(`/api/v1/users/${other.id}`, { headers }), 404, "not-found");
    }
    const { headers } = await actor("support");
    expect((await call(`/api/v1/users/${other.id}`, { headers })).status).toBe(200);
  });
});

describe("PATCH /api/v1/users/{id}", () => {
  it("updates fields, bumps the version and honours If-Match (412 with currentVersion)", async () => {
    const { headers } = await actor("admin");
    const target = await createUser();
    const ok = await patch(
      headers,
      target.id,
      { firstName: "Luisa", phone: "+57 601 555 0100" },
      { "If-Match": '"1"' },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("ETag")).toBe('"2"');
    expect(await ok.json()).toMatchObject({
      firstName: "Luisa",
      phone: "+57 601 555 0100",
      version: 2,
    });
    const stale = await patch(headers, target.id, { firstName: "Otra" }, { "If-Match": '"1"' });
    const body = await expectProblem(stale, 412, "precondition-failed");
    expect(body.currentVersion).toBe(2);
  });

  it("disabling a user ends their sessions at once, and enabling them again revives none", async () => {
    const { headers } = await actor("admin");
    const seller = await actor("seller");
    expect((await me(seller.tokens.accessToken)).status).toBe(200);
    expect((await patch(headers, seller.user.id, { status: "disabled" })).status).toBe(200);
    expect((await me(seller.tokens.accessToken)).status).toBe(401);
    expect((await login(seller.user.email)).status).toBe(401);
    expect((await patch(headers, seller.user.id, { status: "active" })).status).toBe(200);
    expect((await me(seller.tokens.accessToken)).status).toBe(401);
    expect((await refresh(seller.tokens.refreshToken)).status).toBe(401);
  });

  it("a demoted admin stays signed in, and their very next admin call is a 403", async () => {
    const { headers } = await actor("admin");
    const demoted = await actor("admin");
    const asDemoted = (path: string) => call(`/api/v1${path}`, { headers: demoted.headers });
    const store = (await (
      await call(
        "/api/v1/establishments",
        jsonBody(
          {
            name: "Tienda La 14",
            kind: "tienda",
            address: "Calle 14",
            city: "Cali",
            department: "Valle del Cauca",
          },
          { headers },
        ),
      )
    ).json()) as { id: string };
    expect((await asDemoted("/users")).status).toBe(200);
    expect((await asDemoted(`/establishments/${store.id}`)).status).toBe(200);
    expect((await patch(headers, demoted.user.id, { role: "seller" })).status).toBe(200);
    await expectProblem(await asDemoted("/users"), 403, "forbidden");
    // Seller-scoped reads follow the new role too: a store off their route is a 404.
    await expectProblem(await asDemoted(`/establishments/${store.id}`), 404, "not-found");
    // Not signed out: the same access token works with the new role's rights.
    expect((await me(demoted.tokens.accessToken)).status).toBe(200);
    expect((await asDemoted("/products")).status).toBe(200);
    const created = await call("/api/v1/users", jsonBody(newUser(), { headers: demoted.headers }));
    await expectProblem(created, 403, "forbidden");
  });

  it("refuses to disable or demote the last active admin (409), and audits nothing", async () => {
    const { user: admin, headers } = await actor("admin");
    // Other tests in this file create admins: disable them so `admin` is the last.
    await env.DB.prepare("update users set status = 'disabled' where role = 'admin' and id != ?")
      .bind(admin.id)
      .run();
    await expectProblem(await patch(headers, admin.id, { status: "disabled" }), 409, "conflict");
    await expectProblem(await patch(headers, admin.id, { role: "analyst" }), 409, "conflict");
    const audited = await env.DB.prepare(
      "select count(*) as n from audit_events where entity_id = ? and action = 'user.updated'",
    )
      .bind(admin.id)
      .first<{ n: number }>();
    expect(audited?.n).toBe(0);
    const second = await createUser({ role: "admin" });
    expect((await patch(headers, second.id, { status: "disabled" })).status).toBe(200);
    expect((await patch(headers, admin.id, { firstName: "Still admin" })).status).toBe(200);
  });

  it("refuses an email another user has (409), empty and unknown fields (400), unknown ids (404)", async () => {
    const { headers } = await actor("admin");
    const a = await createUser();
    const b = await createUser();
    await expectProblem(
      await patch(headers, a.id, { email: b.email.toUpperCase() }),
      409,
      "conflict",
    );
    await expectProblem(await patch(headers, a.id, {}), 400, "validation-error");
    await expectProblem(await patch(headers, a.id, { passwordHash: "x" }), 400, "validation-error");
    await expectProblem(await patch(headers, a.id, { version: 7 }), 400, "validation-error");
    await expectProblem(await patch(headers, "missing", { firstName: "X" }), 404, "not-found");
  });
});
