import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  actor,
  createUser,
  freshIp,
  inOneRateLimitWindow,
  login,
  me,
  PASSWORD,
  type TokenPair,
} from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

afterEach(() => vi.useRealTimers());

async function failureBody(response: Response) {
  const body = await expectProblem(response, 401, "unauthorized");
  const { requestId: _r, ...rest } = body;
  return rest;
}

describe("POST /api/v1/auth/login", () => {
  it("returns a token pair and the user, never the password hash", async () => {
    const user = await createUser({ role: "seller" });
    const response = await login(user.email);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as TokenPair & { user: Record<string, unknown> };
    expect(body).toMatchObject({
      tokenType: "Bearer",
      expiresIn: 900,
      refreshExpiresIn: 7 * 24 * 3600,
    });
    expect(body.user).toMatchObject({
      id: user.id,
      email: user.email,
      role: "seller",
      lastLoginAt: expect.any(String),
    });
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|pbkdf2/);
  });

  it("matches the email in any letter case", async () => {
    const user = await createUser({ email: "maria.lopez@example.co" });
    expect((await login("Maria.Lopez@EXAMPLE.co")).status).toBe(200);
    expect(user.email).toBe("maria.lopez@example.co");
  });

  it("answers unknown email, wrong password and disabled account with the same 401", async () => {
    const active = await createUser();
    const disabled = await createUser({ status: "disabled" });
    const unknown = await failureBody(await login("nobody@example.co"));
    const wrong = await failureBody(await login(active.email, "not the password"));
    const off = await failureBody(await login(disabled.email));
    expect(unknown).toEqual({
      type: "/problems/unauthorized",
      title: "Authentication required",
      status: 401,
      detail: "Email or password is incorrect",
      instance: "/api/v1/auth/login",
    });
    expect(wrong).toEqual(unknown);
    expect(off).toEqual(unknown);
    expect((await login("nobody@example.co")).headers.get("WWW-Authenticate")).toBe(
      'Bearer realm="portafolio"',
    );
  });

  it("records failed sign-ins in the audit log for support, with the reason", async () => {
    const user = await createUser();
    await login(user.email, "not the password");
    const row = await env.DB.prepare(
      "select action, entity_id, actor_id, changes from audit_events where entity_id = ? and action = 'auth.login_failed'",
    )
      .bind(user.id)
      .first<{ changes: string; actor_id: string | null }>();
    expect(row?.actor_id).toBeNull();
    expect(JSON.parse(row!.changes)).toEqual({ reason: { before: null, after: "wrong_password" } });
  });

  it("ten attempts from networks the account never used fill the shared bucket: 429 + Retry-After, then it starts over", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++)
      expect((await login(user.email, "wrong password")).status).toBe(401);
    const limited = await login(user.email); // even the right password, from yet another network
    await expectProblem(limited, 429, "rate-limited");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(880);
    expect(retryAfter).toBeLessThanOrEqual(900);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 901_000);
    expect((await login(user.email, "wrong password")).status).toBe(401);
    expect((await login(user.email)).status).toBe(200);
  });

  it("30 parallel wrong passwords from one client: at most 10 are evaluated, and the spray is audited once", async () => {
    const user = await createUser();
    const ip = freshIp();
    const statuses = (
      await Promise.all(Array.from({ length: 30 }, () => login(user.email, "wrong password", ip)))
    ).map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const count = (action: string) =>
      env.DB.prepare("select count(*) as n from audit_events where entity_id = ? and action = ?")
        .bind(user.id, action)
        .first<{ n: number }>();
    expect(await count("auth.login_failed")).toEqual({ n: 10 });
    expect(await count("auth.locked_out")).toEqual({ n: 1 });
  });

  it("the owner signs in from a network they have used while a spray from other networks is refused", async () => {
    const user = await createUser();
    const home = "2001:db8:77:1::10";
    expect((await login(user.email, PASSWORD, home)).status).toBe(200);
    const spray = await Promise.all(
      Array.from({ length: 30 }, () => login(user.email, "Password123456!", freshIp())),
    );
    expect(spray.filter((response) => response.status === 401)).toHaveLength(10);
    expect(spray.filter((response) => response.status === 429)).toHaveLength(20);
    // The same /64 as before, another host address (phones rotate them).
    expect((await login(user.email, PASSWORD, "2001:db8:77:1:aaaa:bbbb:cccc:dddd")).status).toBe(
      200,
    );
    // A network the owner never used is still refused until the window ends.
    expect((await login(user.email, PASSWORD, "2001:db8:99:1::10")).status).toBe(429);
  });

  it("wrong passwords from the owner's own network fill only that network's bucket", async () => {
    const user = await createUser();
    const home = freshIp();
    expect((await login(user.email, PASSWORD, home)).status).toBe(200);
    for (let i = 0; i < 10; i++)
      expect((await login(user.email, "wrong password", home)).status).toBe(401);
    expect((await login(user.email, PASSWORD, home)).status).toBe(429);
    expect((await login(user.email, PASSWORD, freshIp())).status).toBe(200);
  });

  it("a failed sign-in changes nothing in the user (an admin's If-Match stays valid)", async () => {
    const user = await createUser();
    for (let i = 0; i < 11; i++) await login(user.email, "wrong password");
    const row = await env.DB.prepare("select version, updated_at from users where id = ?")
      .bind(user.id)
      .first();
    expect(row).toEqual({ version: 1, updated_at: expect.any(String) });
  });

  it("a correct password empties the bucket it was counted in", async () => {
    const user = await createUser();
    for (let i = 0; i < 9; i++) await login(user.email, "wrong password");
    expect((await login(user.email)).status).toBe(200);
    for (let i = 0; i < 9; i++) await login(user.email, "wrong password");
    expect((await login(user.email)).status).toBe(200);
  });

  it("support clears a seller's sign-in limits at once; only an admin may for an admin", async () => {
    const seller = await createUser();
    const admin = await createUser({ role: "admin" });
    for (const target of [seller, admin]) {
      for (let i = 0; i < 10; i++) await login(target.email, "wrong password");
      expect((await login(target.email)).status).toBe(429);
    }
    const support = await actor("support");
    const unlock = (id: string, headers: Record<string, string>) =>
      call(`/api/v1/users/${id}/unlock`, { method: "POST", headers });
    expect((await unlock(seller.id, support.headers)).status).toBe(204);
    expect((await login(seller.email)).status).toBe(200);

    await expectProblem(await unlock(admin.id, support.headers), 403, "forbidden");
    expect((await login(admin.email)).status).toBe(429);
    expect((await unlock(admin.id, (await actor("admin")).headers)).status).toBe(204);
    expect((await login(admin.email)).status).toBe(200);
  });

  it("signs in with a 10 KB User-Agent and keeps 200 characters of it", async () => {
    const user = await createUser();
    const response = await call(
      "/api/v1/auth/login",
      jsonBody(
        { email: user.email, password: PASSWORD },
        {
          headers: {
            "CF-Connecting-IP": freshIp(),
            "User-Agent": `Mozilla/5.0 ${"x".repeat(10_000)}`,
          },
        },
      ),
    );
    expect(response.status).toBe(200);
    const row = await env.DB.prepare("select user_agent from sessions where user_id = ?")
      .bind(user.id)
      .first<{ user_agent: string }>();
    expect(row?.user_agent).toBe(`Mozilla/5.0 ${"x".repeat(188)}`);
  });

  it("limits attempts per client IP to 60 a minute (429 + Retry-After)", async () => {
    const user = await createUser();
    const ip = freshIp();
    await inOneRateLimitWindow();
    for (let i = 0; i < 60; i++) expect((await login(user.email, PASSWORD, ip)).status).toBe(200);
    const limited = await login(user.email, PASSWORD, ip);
    await expectProblem(limited, 429, "rate-limited");
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect((await login(user.email, PASSWORD, freshIp())).status).toBe(200); // another network
  }, 45_000);

  it("counts an IPv6 client by its /64: new host addresses buy no new attempts", async () => {
    const user = await createUser();
    const host = (i: number) => `2001:db8:5:6:${i.toString(16)}::1`;
    await inOneRateLimitWindow();
    for (let i = 0; i < 60; i++)
      expect((await login(user.email, PASSWORD, host(i))).status).toBe(200);
    await expectProblem(await login(user.email, PASSWORD, host(60)), 429, "rate-limited");
    expect((await login(user.email, PASSWORD, "2001:db8:5:7::1")).status).toBe(200);
  }, 45_000);

  it("validates the body", async () => {
    const response = await call(
      "/api/v1/auth/login",
      jsonBody({ email: "not-an-email", password: "" }),
    );
    const body = await expectProblem(response, 400, "validation-error");
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "/email",
      "/password",
    ]);
  });

  it("upgrades a hash made at a lower cost on the next sign-in", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(PASSWORD),
      "PBKDF2",
      false,
      ["deriveBits"],
    );
    const bits = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 },
        key,
        256,
      ),
    );
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
    const user = await createUser({ passwordHash: `pbkdf2-sha256$1000$${b64(salt)}$${b64(bits)}` });
    expect((await login(user.email)).status).toBe(200);
    const row = await env.DB.prepare("select password_hash from users where id = ?")
      .bind(user.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect((await login(user.email)).status).toBe(200);
  });
});

describe("no secret material in logs", () => {
  it("logs neither passwords, hashes nor tokens during sign-in, refresh and use", async () => {
    const lines: string[] = [];
    for (const level of ["log", "error", "warn", "info"] as const) {
      vi.spyOn(console, level).mockImplementation(
        (...args: unknown[]) => void lines.push(args.map(String).join(" ")),
      );
    }
    const user = await createUser();
    const pair = (await (await login(user.email)).json()) as TokenPair;
    await call("/api/v1/auth/refresh", jsonBody({ refreshToken: pair.refreshToken }));
    await me(pair.accessToken);
    await login(user.email, "a wrong password here");
    vi.restoreAllMocks();
    const log = lines.join("\n");
    // Successes write no line of their own (src/lib/request-log.ts); the failure does.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const secret of [
      PASSWORD,
      "a wrong password here",
      pair.accessToken,
      pair.refreshToken,
      "pbkdf2",
      env.JWT_PRIVATE_KEY,
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
