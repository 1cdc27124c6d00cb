import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  actor,
  bearer,
  createUser,
  me,
  PASSWORD,
  refresh,
  signIn,
  type TokenPair,
} from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

afterEach(() => vi.useRealTimers());

const DAY = 24 * 3600 * 1000;

async function expectRefreshRejected(refreshToken: string) {
  const response = await refresh(refreshToken);
  await expectProblem(response, 401, "unauthorized");
  expect(response.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
}

describe("POST /api/v1/auth/refresh", () => {
  it("returns a new pair and retires the refresh token it was given", async () => {
    const { tokens } = await actor("seller");
    const response = await refresh(tokens.refreshToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const next = (await response.json()) as TokenPair;
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeJwt(next.accessToken).sid).toBe(decodeJwt(tokens.accessToken).sid);
    expect((await me(next.accessToken)).status).toBe(200);
  });

  it("on reuse of a retired token: 401, and the newest token and the session's access tokens die too", async () => {
    const { tokens } = await actor("seller");
    const next = (await (await refresh(tokens.refreshToken)).json()) as TokenPair;
    await expectRefreshRejected(tokens.refreshToken); // the thief (or the victim) replays
    await expectRefreshRejected(next.refreshToken);
    expect((await me(next.accessToken)).status).toBe(401);
    expect((await me(tokens.accessToken)).status).toBe(401);
  });

  it("leaves the user's other sessions alone when one family is revoked for reuse", async () => {
    const { user, tokens } = await actor("seller");
    const phone = await signIn(user.email);
    await refresh(tokens.refreshToken);
    await refresh(tokens.refreshToken);
    expect((await me(phone.accessToken)).status).toBe(200);
  });

  it("rejects unknown tokens and malformed bodies", async () => {
    await expectRefreshRejected("A".repeat(43));
    await expectProblem(await call("/api/v1/auth/refresh", jsonBody({})), 400, "validation-error");
    await expectProblem(
      await call("/api/v1/auth/refresh", jsonBody({ refreshToken: "x", extra: 1 })),
      400,
      "validation-error",
    );
  });

  it("lapses after 7 idle days, but lives on while it is used", async () => {
    const { tokens } = await actor("seller");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 6 * DAY);
    const kept = (await (await refresh(tokens.refreshToken)).json()) as TokenPair;
    vi.setSystemTime(Date.now() + 7 * DAY + 60_000);
    await expectRefreshRejected(kept.refreshToken);
  });

  it("ends 30 days after sign-in however often it is refreshed", async () => {
    const { tokens } = await actor("seller");
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    let current = tokens.refreshToken;
    for (let day = 6; day < 30; day += 6) {
      vi.setSystemTime(start + day * DAY);
      const response = await refresh(current);
      expect(response.status, `day ${day}`).toBe(200);
      const pair = (await response.json()) as TokenPair;
      expect(pair.refreshExpiresIn).toBeLessThanOrEqual(7 * 24 * 3600);
      current = pair.refreshToken;
    }
    vi.setSystemTime(start + 30 * DAY + 1000);
    await expectRefreshRejected(current);
  });

  it("stops for a user disabled after the session began", async () => {
    const { user, tokens } = await actor("seller");
    await env.DB.prepare("update users set status = 'disabled' where id = ?").bind(user.id).run();
    await expectRefreshRejected(tokens.refreshToken);
  });

  it("stores only hashes of refresh tokens, in KV and in D1", async () => {
    const { user, tokens } = await actor("seller");
    const { keys } = await env.SESSIONS.list();
    const kv = JSON.stringify(
      await Promise.all(
        keys.map(async (key) => [key.name, key.metadata, await env.SESSIONS.get(key.name)]),
      ),
    );
    const d1 = JSON.stringify(
      await env.DB.prepare("select * from sessions where user_id = ?").bind(user.id).all(),
    );
    for (const dump of [kv, d1]) {
      expect(dump).toContain(user.id);
      expect(dump).not.toContain(tokens.refreshToken);
      expect(dump).not.toContain(tokens.accessToken);
    }
  });
});

describe("POST /api/v1/auth/logout", () => {
  it("revokes the session: its refresh and access tokens stop working", async () => {
    const { tokens } = await actor("seller");
    const response = await call(
      "/api/v1/auth/logout",
      jsonBody({ refreshToken: tokens.refreshToken }),
    );
    expect(response.status).toBe(204);
    await expectRefreshRejected(tokens.refreshToken);
    expect((await me(tokens.accessToken)).status).toBe(401);
  });

  it("answers 204 for an unknown token, revealing nothing", async () => {
    expect((await call("/api/v1/auth/logout", jsonBody({ refreshToken: "nope" }))).status).toBe(
      204,
    );
  });
});

describe("POST /api/v1/auth/logout-all", () => {
  it("revokes every session of the caller", async () => {
    const { user, tokens } = await actor("seller");
    const tablet = await signIn(user.email);
    const response = await call("/api/v1/auth/logout-all", {
      method: "POST",
      headers: bearer(tokens.accessToken),
    });
    expect(response.status).toBe(204);
    expect((await me(tokens.accessToken)).status).toBe(401);
    expect((await me(tablet.accessToken)).status).toBe(401);
    await expectRefreshRejected(tablet.refreshToken);
  });
});

describe("POST /api/v1/auth/password", () => {
  const change = (token: string, body: object) =>
    call("/api/v1/auth/password", jsonBody(body, { headers: bearer(token) }));

  it("changes the password, keeps this session and revokes the others", async () => {
    const { user, tokens } = await actor("seller");
    const other = await signIn(user.email);
    const response = await change(tokens.accessToken, {
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
    });
    expect(response.status).toBe(204);
    expect((await me(tokens.accessToken)).status).toBe(200);
    expect((await refresh(tokens.refreshToken)).status).toBe(200);
    expect((await me(other.accessToken)).status).toBe(401);
    await expectRefreshRejected(other.refreshToken);
    expect((await signIn(user.email, "a brand new passphrase")).accessToken).toBeTruthy();
  });

  it("needs the current password", async () => {
    const { tokens } = await actor("seller");
    const body = await expectProblem(
      await change(tokens.accessToken, {
        currentPassword: "wrong one",
        newPassword: "another long passphrase",
      }),
      400,
      "validation-error",
    );
    expect(body.errors).toEqual([
      { path: "/currentPassword", message: "currentPassword is not your password" },
    ]);
  });

  it("counts wrong current passwords in the sign-in limits (a stolen token cannot guess)", async () => {
    const { tokens } = await actor("seller");
    for (let i = 0; i < 10; i++) {
      await expectProblem(
        await change(tokens.accessToken, {
          currentPassword: `guess ${i}`,
          newPassword: "another long passphrase",
        }),
        400,
        "validation-error",
      );
    }
    const locked = await change(tokens.accessToken, {
      currentPassword: PASSWORD,
      newPassword: "another long passphrase",
    });
    await expectProblem(locked, 429, "rate-limited");
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(800);
  });

  it("applies the policy to the new password and says which rule failed", async () => {
    const { user, tokens } = await actor("seller");
    for (const [newPassword, rule] of [
      ["short", /at least 12/],
      ["1qaz2wsx3edc", /most common/],
      [user.email, /email/],
    ] as const) {
      const body = await expectProblem(
        await change(tokens.accessToken, { currentPassword: PASSWORD, newPassword }),
        400,
        "validation-error",
      );
      expect((body.errors as { path: string; message: string }[])[0]).toEqual({
        path: "/newPassword",
        message: expect.stringMatching(rule),
      });
    }
  });
});

describe("support view of sessions", () => {
  it("lists active sessions without token material, and DELETE signs the user out everywhere", async () => {
    const target = await createUser({ role: "seller" });
    const first = await signIn(target.email);
    await signIn(target.email);
    const { headers } = await actor("support");
    const list = await call(`/api/v1/users/${target.id}/sessions`, { headers });
    expect(list.status).toBe(200);
    const { data } = (await list.json()) as { data: Record<string, unknown>[] };
    expect(data).toHaveLength(2);
    expect(Object.keys(data[0]!).sort()).toEqual([
      "createdAt",
      "expiresAt",
      "ip",
      "lastUsedAt",
      "sessionId",
      "userAgent",
    ]);
    expect(JSON.stringify(data)).not.toContain(first.refreshToken);

    expect(
      (await call(`/api/v1/users/${target.id}/sessions`, { method: "DELETE", headers })).status,
    ).toBe(204);
    expect((await me(first.accessToken)).status).toBe(401);
    const after = (await (
      await call(`/api/v1/users/${target.id}/sessions`, { headers })
    ).json()) as { data: unknown[] };
    expect(after.data).toEqual([]);
  });

  it("only an admin may list or end an admin's sessions (support → 403)", async () => {
    const target = await actor("admin");
    const support = await actor("support");
    const admin = await actor("admin");
    const sessions = `/api/v1/users/${target.user.id}/sessions`;
    await expectProblem(await call(sessions, { headers: support.headers }), 403, "forbidden");
    await expectProblem(
      await call(sessions, { method: "DELETE", headers: support.headers }),
      403,
      "forbidden",
    );
    expect((await me(target.tokens.accessToken)).status).toBe(200);
    expect((await call(sessions, { headers: admin.headers })).status).toBe(200);
    expect((await call(sessions, { method: "DELETE", headers: admin.headers })).status).toBe(204);
    expect((await me(target.tokens.accessToken)).status).toBe(401);
  });

  it("answers 404 for an unknown user", async () => {
    const { headers } = await actor("admin");
    await expectProblem(await call("/api/v1/users/nope/sessions", { headers }), 404, "not-found");
  });
});
