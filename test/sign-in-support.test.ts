import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { client } from "./support/api";
import {
  actor,
  bearer,
  createUser,
  login,
  me,
  PASSWORD,
  refresh,
  signIn,
  type TokenPair,
} from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

interface Finding {
  code: string;
  text: string;
}
interface SignInStatus {
  userId: string;
  status: string;
  lockedUntil: string | null;
  failedAttemptsInWindow: number;
  throttles: { bucket: string; attempts: number; lockedUntil: string | null }[];
  lastSignIn: { occurredAt: string; ip: string | null; userAgent: string | null } | null;
  recentFailures: { reason: string; ip: string | null; occurredAt: string }[];
  passwordReset: { issuedAt: string; expiresAt: string; usedAt: string | null } | null;
  sessions: { sessionId: string }[];
  findings: Finding[];
  diagnosis: string;
}

const admin = await actor("admin");
const support = await actor("support");
const staff = client(support.headers);

async function statusOf(userId: string, language = "en") {
  const response = await staff.get(`/users/${userId}/sign-in-status`, {
    "Accept-Language": language,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Language")).toBe(language);
  return (await response.json()) as SignInStatus;
}

const codes = (status: SignInStatus) => status.findings.map((f) => f.code);

describe("GET /api/v1/users/{id}/sign-in-status", () => {
  it("a user who signed in and has nothing in the way: ok, with the last sign-in and the sessions", async () => {
    const user = await createUser();
    await call(
      "/api/v1/auth/login",
      jsonBody(
        { email: user.email, password: PASSWORD },
        { headers: { "CF-Connecting-IP": "190.85.12.34", "User-Agent": "PortafolioApp/3.4" } },
      ),
    );
    const status = await statusOf(user.id);
    expect(status).toMatchObject({
      userId: user.id,
      status: "active",
      lockedUntil: null,
      failedAttemptsInWindow: 0,
      throttles: [],
      lastSignIn: { ip: "190.85.12.34", userAgent: "PortafolioApp/3.4" },
      recentFailures: [],
      passwordReset: null,
    });
    expect(status.sessions).toHaveLength(1);
    expect(codes(status)).toEqual(["ok"]);
    expect(status.diagnosis).toMatch(
      /^Nothing blocks sign-in\. Last sign-in at \d\d:\d\d .* from 190\.85\.12\.34/,
    );
  });

  it("a user who never signed in: never_signed_in", async () => {
    const user = await createUser();
    expect(codes(await statusOf(user.id))).toEqual(["never_signed_in"]);
  });

  it("after wrong passwords: the count, the reasons and how many attempts are left", async () => {
    const user = await createUser();
    for (let i = 0; i < 3; i++) await login(user.email, "wrong password", "198.51.100.20");
    const status = await statusOf(user.id);
    expect(status.failedAttemptsInWindow).toBe(3);
    expect(status.throttles).toMatchObject([{ bucket: "*", attempts: 3, lockedUntil: null }]);
    expect(status.recentFailures.map((f) => f.reason)).toEqual([
      "wrong_password",
      "wrong_password",
      "wrong_password",
    ]);
    expect(status.recentFailures[0]!.ip).toBe("198.51.100.20");
    expect(codes(status)).toEqual(["wrong_passwords"]);
    expect(status.diagnosis).toContain(
      "3 wrong password(s) from networks the account has not used before",
    );
    expect(status.diagnosis).toContain("7 more before a lock");
  });

  it("after a lockout: locked until the window ends, in Colombia's time and in Spanish; unlock clears it", async () => {
    const user = await createUser();
    for (let i = 0; i < 11; i++) await login(user.email, "wrong password", "198.51.100.21");
    const status = await statusOf(user.id, "es");
    expect(status.lockedUntil).not.toBeNull();
    expect(status.throttles[0]).toMatchObject({ bucket: "*", attempts: 11 });
    expect(status.recentFailures[0]!.reason).toBe("locked_out");
    expect(status.recentFailures).toHaveLength(10);
    expect(codes(status)).toEqual(["locked"]);
    const bogota = new Date(Date.parse(status.lockedUntil!) - 5 * 3600 * 1000)
      .toISOString()
      .slice(11, 16);
    expect(status.diagnosis).toContain(`se desbloquea a las ${bogota}`);
    expect(status.diagnosis).toContain("POST /users/{id}/unlock");

    expect((await staff.post(`/users/${user.id}/unlock`, {})).status).toBe(204);
    const after = await statusOf(user.id);
    expect(after.lockedUntil).toBeNull();
    expect(after.throttles).toEqual([]);
    // The history stays: support still sees what happened.
    expect(after.recentFailures.length).toBe(10);
  });

  it("a spray from many networks fills only the shared bucket; the owner's own network stays open", async () => {
    const user = await createUser();
    await login(user.email, PASSWORD, "203.0.113.50");
    for (let i = 0; i < 12; i++) await login(user.email, "guess", `198.51.${100 + i}.1`);
    const status = await statusOf(user.id);
    expect(status.throttles).toMatchObject([{ bucket: "*", lockedUntil: expect.any(String) }]);
    expect(codes(status)).toEqual(["locked"]);
    expect(status.diagnosis).toContain("from networks the account has not used before is locked");
    expect((await login(user.email, PASSWORD, "203.0.113.50")).status).toBe(200);
  });

  it("shows attempts with this email from before the account existed", async () => {
    const email = `late-${crypto.randomUUID()}@example.co`;
    await login(email, "anything", "198.51.100.30");
    const user = await createUser({ email });
    const status = await statusOf(user.id);
    expect(status.recentFailures.map((f) => f.reason)).toEqual(["unknown_email"]);
    expect(codes(status)).toEqual(["unknown_email_attempts"]);
  });

  it("a disabled account comes first", async () => {
    const user = await createUser({ status: "disabled" });
    await login(user.email, PASSWORD);
    const status = await statusOf(user.id);
    expect(codes(status)[0]).toBe("disabled");
    expect(status.recentFailures[0]!.reason).toBe("disabled");
  });

  it("404 for no such user; support may not read an admin's (403); an admin may", async () => {
    await expectProblem(
      await staff.get("/users/00000000-0000-7000-8000-000000000000/sign-in-status"),
      404,
      "not-found",
    );
    const other = await actor("admin");
    await expectProblem(
      await staff.get(`/users/${other.user.id}/sign-in-status`),
      403,
      "forbidden",
    );
    expect((await client(admin.headers).get(`/users/${other.user.id}/sign-in-status`)).status).toBe(
      200,
    );
  });
});

/** Signs in with a temporary password: the 403 and its token. */
async function signInWithTemporary(email: string, temporaryPassword: string) {
  const response = await login(email, temporaryPassword);
  const problem = await expectProblem(response, 403, "password-change-required");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  return problem as { passwordChangeToken: string; expiresIn: number };
}

const setPassword = (token: string, body: Record<string, unknown>) =>
  call("/api/v1/auth/password", jsonBody(body, { headers: bearer(token) }));

const NEW_PASSWORD = "una clave nueva para el lunes";

describe("password reset: support issues a temporary password, the user sets a new one", () => {
  it("issue → every session ends → sign in with it → 403 with a token → set a new password → sign in", async () => {
    const user = await createUser();
    const before: TokenPair = await signIn(user.email);
    const issued = await staff.post(`/users/${user.id}/password-reset`, {});
    expect(issued.status).toBe(200);
    expect(issued.headers.get("Cache-Control")).toBe("no-store");
    const { temporaryPassword, expiresAt } = (await issued.json()) as {
      temporaryPassword: string;
      expiresAt: string;
    };
    expect(temporaryPassword).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    // Only its hash is stored.
    const stored = await env.DB.prepare("select * from password_resets where user_id = ?")
      .bind(user.id)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(stored)).not.toContain(temporaryPassword);
    // Every session ended.
    expect((await me(before.accessToken)).status).toBe(401);
    expect((await refresh(before.refreshToken)).status).toBe(401);
    expect(codes(await statusOf(user.id))).toContain("temporary_password_pending");

    // Typed in lower case without dashes, it still works; it starts no session.
    const typed = temporaryPassword.toLowerCase().replaceAll("-", "");
    const { passwordChangeToken, expiresIn } = await signInWithTemporary(user.email, typed);
    expect(expiresIn).toBe(600);
    const sessions = await env.DB.prepare(
      "select count(*) as n from sessions where user_id = ? and revoked_at is null",
    )
      .bind(user.id)
      .first<{ n: number }>();
    expect(sessions?.n).toBe(0);

    // The token does nothing else.
    await expectProblem(await me(passwordChangeToken), 403, "password-change-required");
    await expectProblem(
      await call("/api/v1/products", { headers: bearer(passwordChangeToken) }),
      403,
      "password-change-required",
    );
    // It is spent: a second sign-in with the temporary password fails.
    expect((await login(user.email, temporaryPassword)).status).toBe(401);
    expect(codes(await statusOf(user.id))).toContain("password_change_pending");

    // The policy applies to the new password.
    const weak = await setPassword(passwordChangeToken, { newPassword: "password" });
    expect(weak.status).toBe(400);
    expect((await setPassword(passwordChangeToken, { newPassword: NEW_PASSWORD })).status).toBe(
      204,
    );
    // Once only.
    await expectProblem(
      await setPassword(passwordChangeToken, { newPassword: `${NEW_PASSWORD} 2` }),
      401,
      "unauthorized",
    );
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    expect((await statusOf(user.id)).passwordReset).toBeNull();

    // Every step is in the audit trail, with its actor.
    const trail = (await (
      await staff.get(`/audit-events?entityId=${user.id}&sort=occurredAt&limit=100`)
    ).json()) as { data: { action: string; actor: { id: string } | null }[] };
    const steps = trail.data
      .filter((e) => /password|temporary/.test(e.action))
      .map((e) => [e.action, e.actor?.id]);
    expect(steps).toEqual([
      ["user.password_reset_issued", support.user.id],
      ["auth.temporary_password_used", user.id],
      ["user.password_reset_completed", user.id],
    ]);
    const text = JSON.stringify(trail);
    expect(text).not.toContain(temporaryPassword);
    expect(text).not.toContain(NEW_PASSWORD);
  });

  it("two sign-ins racing with the temporary password: one token", async () => {
    const user = await createUser();
    const { temporaryPassword } = (await (
      await staff.post(`/users/${user.id}/password-reset`, {})
    ).json()) as { temporaryPassword: string };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => login(user.email, temporaryPassword)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([
      401, 401, 401, 401, 401, 401, 401, 401, 401, 403,
    ]);
  });

  it("an expired temporary password fails with its own reason; the real password still works and discards a pending one", async () => {
    const user = await createUser();
    const { temporaryPassword } = (await (
      await staff.post(`/users/${user.id}/password-reset`, {})
    ).json()) as { temporaryPassword: string };
    await env.DB.prepare(
      "update password_resets set expires_at = '2000-01-01T00:00:00.000Z' where user_id = ?",
    )
      .bind(user.id)
      .run();
    expect((await login(user.email, temporaryPassword)).status).toBe(401);
    const status = await statusOf(user.id);
    expect(status.recentFailures[0]!.reason).toBe("temporary_password_expired");
    expect(codes(status)).toContain("temporary_password_expired");

    await staff.post(`/users/${user.id}/password-reset`, {});
    expect((await login(user.email, PASSWORD)).status).toBe(200);
    expect((await statusOf(user.id)).passwordReset).toBeNull();
  });

  it("a newer temporary password voids the token of an older one", async () => {
    const user = await createUser();
    const first = (await (await staff.post(`/users/${user.id}/password-reset`, {})).json()) as {
      temporaryPassword: string;
    };
    const { passwordChangeToken } = await signInWithTemporary(user.email, first.temporaryPassword);
    await staff.post(`/users/${user.id}/password-reset`, {});
    await expectProblem(
      await setPassword(passwordChangeToken, { newPassword: NEW_PASSWORD }),
      401,
      "unauthorized",
    );
    expect((await login(user.email, PASSWORD)).status).toBe(200);
  });

  it("an access token still needs the current password", async () => {
    const user = await actor("seller");
    const body = await expectProblem(
      await setPassword(user.tokens.accessToken, { newPassword: NEW_PASSWORD }),
      400,
      "validation-error",
    );
    expect((body.errors as { path: string }[])[0]!.path).toBe("/currentPassword");
  });

  it("support may not reset an admin (403), nor a disabled account (409); an admin may reset an admin", async () => {
    const other = await actor("admin");
    await expectProblem(
      await staff.post(`/users/${other.user.id}/password-reset`, {}),
      403,
      "forbidden",
    );
    expect(
      (await client(admin.headers).post(`/users/${other.user.id}/password-reset`, {})).status,
    ).toBe(200);
    const disabled = await createUser({ status: "disabled" });
    await expectProblem(
      await staff.post(`/users/${disabled.id}/password-reset`, {}),
      409,
      "conflict",
    );
    await expectProblem(
      await staff.post("/users/00000000-0000-7000-8000-000000000000/password-reset", {}),
      404,
      "not-found",
    );
  });
});
