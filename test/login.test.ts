import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { actor, createUser, login, me, PASSWORD, randomIp, type TokenPair } from "./support/auth";
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

  it("locks the account for 15 minutes after 10 consecutive failures (429 + Retry-After)", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++)
      expect((await login(user.email, "wrong password")).status).toBe(401);
    const locked = await login(user.email); // even the right password
    await expectProblem(locked, 429, "rate-limited");
    const retryAfter = Number(locked.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(880);
    expect(retryAfter).toBeLessThanOrEqual(900);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 901_000);
    const after = await login(user.email);
    expect(after.status).toBe(200);
    expect(
      ((await after.json()) as TokenPair & { user: { failedLoginCount: number } }).user
        .failedLoginCount,
    ).toBe(0);
  });

  it("after a lock ends, one more wrong password does not lock again", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++) await login(user.email, "wrong password");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 901_000);
    expect((await login(user.email, "wrong password")).status).toBe(401);
    expect((await login(user.email)).status).toBe(200);
  });

  it("a failed sign-in keeps the user's version (an admin's If-Match stays valid); locking is a new version", async () => {
    const user = await createUser();
    const row = () =>
      env.DB.prepare("select version, failed_login_count from users where id = ?")
        .bind(user.id)
        .first();
    await login(user.email, "wrong password");
    expect(await row()).toEqual({ version: 1, failed_login_count: 1 });
    for (let i = 0; i < 9; i++) await login(user.email, "wrong password");
    expect(await row()).toEqual({ version: 2, failed_login_count: 0 });
  });

  it("counts only consecutive failures: a success resets the count", async () => {
    const user = await createUser();
    for (let i = 0; i < 9; i++) await login(user.email, "wrong password");
    expect((await login(user.email)).status).toBe(200);
    for (let i = 0; i < 9; i++) await login(user.email, "wrong password");
    expect((await login(user.email)).status).toBe(200);
  });

  it("support can lift a lockout at once", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++) await login(user.email, "wrong password");
    expect((await login(user.email)).status).toBe(429);
    const { headers } = await actor("support");
    const unlocked = await call(`/api/v1/users/${user.id}/unlock`, { method: "POST", headers });
    expect(unlocked.status).toBe(200);
    expect(await unlocked.json()).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
    expect((await login(user.email)).status).toBe(200);
  });

  it("limits attempts per client IP to 60 a minute (429 + Retry-After)", async () => {
    const user = await createUser();
    const ip = randomIp();
    for (let i = 0; i < 60; i++) expect((await login(user.email, PASSWORD, ip)).status).toBe(200);
    const limited = await login(user.email, PASSWORD, ip);
    await expectProblem(limited, 429, "rate-limited");
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect((await login(user.email, PASSWORD, randomIp())).status).toBe(200); // another network
  });

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
    expect(lines.length).toBeGreaterThan(3);
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
