import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
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
import { call, jsonBody } from "./support/http";

/**
 * Revocation is final and rotation is atomic, however requests interleave: each case
 * races a refresh against something that ends (or changes) the session, PAIRS times at
 * once, then checks every token either side could hold.
 */
const PAIRS = 50;

async function signedIn(count: number, role: "seller" | "admin" = "seller") {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const user = await createUser({ role });
      return { user, tokens: await signIn(user.email) };
    }),
  );
}

const logout = (refreshToken: string) => call("/api/v1/auth/logout", jsonBody({ refreshToken }));

async function tokensFrom(response: Response): Promise<TokenPair | null> {
  return response.status === 200 ? ((await response.json()) as TokenPair) : null;
}

/** Every token a client could hold from this session is refused. */
async function expectSessionDead(...pairs: (TokenPair | null)[]) {
  for (const pair of pairs) {
    if (!pair) continue;
    expect((await me(pair.accessToken)).status).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
  }
}

async function sessionRow(accessTokenOwner: { user: { id: string } }) {
  return env.DB.prepare(
    "select revoked_at, revoked_reason from sessions where user_id = ? order by created_at",
  )
    .bind(accessTokenOwner.user.id)
    .all<{ revoked_at: string | null; revoked_reason: string | null }>();
}

describe("concurrent refreshes of one refresh token", () => {
  it(`${PAIRS} pairs: exactly one of each pair succeeds, and the family ends`, async () => {
    const sessions = await signedIn(PAIRS);
    const outcomes = await Promise.all(
      sessions.map(({ tokens }) =>
        Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]),
      ),
    );
    for (const [index, responses] of outcomes.entries()) {
      expect(responses.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = await tokensFrom(responses.find((r) => r.status === 200)!);
      await expectSessionDead(sessions[index]!.tokens, winner);
      const { results } = await sessionRow(sessions[index]!);
      expect(results).toEqual([
        { revoked_at: expect.any(String), revoked_reason: "refresh_token_reused" },
      ]);
    }
  }, 60_000);
});

describe("a refresh racing a revocation never brings the session back", () => {
  const revocations = {
    logout: async (target: { tokens: TokenPair }) => logout(target.tokens.refreshToken),
    "logout-all": async (target: { tokens: TokenPair }) =>
      call("/api/v1/auth/logout-all", {
        method: "POST",
        headers: bearer(target.tokens.accessToken),
      }),
    "staff revoke": async (target: { user: { id: string } }, staff: Record<string, string>) =>
      call(`/api/v1/users/${target.user.id}/sessions`, { method: "DELETE", headers: staff }),
    disable: async (target: { user: { id: string } }, staff: Record<string, string>) =>
      call(
        `/api/v1/users/${target.user.id}`,
        jsonBody({ status: "disabled" }, { method: "PATCH", headers: staff }),
      ),
    "reuse of a retired token": async (target: { retired: string }) => refresh(target.retired),
  };

  for (const [name, revoke] of Object.entries(revocations)) {
    it(`refresh vs ${name}: ${PAIRS} pairs, every token of the session refused afterwards`, async () => {
      const { headers: staff } = await actor("admin");
      const sessions = await Promise.all(
        (await signedIn(PAIRS)).map(async (session) => {
          // A retired token of the family, for the reuse case: the session moves on first.
          const next = (await (await refresh(session.tokens.refreshToken)).json()) as TokenPair;
          return { ...session, retired: session.tokens.refreshToken, tokens: next };
        }),
      );
      const outcomes = await Promise.all(
        sessions.map((session) =>
          Promise.all([refresh(session.tokens.refreshToken), revoke(session, staff)]),
        ),
      );
      for (const [index, [refreshed, revoked]] of outcomes.entries()) {
        expect([200, 401]).toContain(refreshed.status);
        expect([200, 204, 401]).toContain(revoked.status);
        await expectSessionDead(sessions[index]!.tokens, await tokensFrom(refreshed));
        const { results } = await sessionRow(sessions[index]!);
        expect(results).toEqual([
          { revoked_at: expect.any(String), revoked_reason: expect.any(String) },
        ]);
      }
    }, 60_000);
  }

  it(`refresh vs password change: ${PAIRS} pairs, the other session ends and this one lives`, async () => {
    const users = await signedIn(PAIRS);
    const withSecondDevice = await Promise.all(
      users.map(async (session) => ({ ...session, phone: await signIn(session.user.email) })),
    );
    const outcomes = await Promise.all(
      withSecondDevice.map(({ tokens, phone }) =>
        Promise.all([
          refresh(phone.refreshToken),
          call(
            "/api/v1/auth/password",
            jsonBody(
              { currentPassword: PASSWORD, newPassword: "otra frase bastante larga" },
              { headers: bearer(tokens.accessToken) },
            ),
          ),
        ]),
      ),
    );
    for (const [index, [refreshed, changed]] of outcomes.entries()) {
      expect(changed.status).toBe(204);
      const { tokens, phone } = withSecondDevice[index]!;
      await expectSessionDead(phone, await tokensFrom(refreshed));
      expect((await me(tokens.accessToken)).status).toBe(200);
    }
  }, 60_000);

  it(`refresh vs role change: ${PAIRS} pairs, still signed in, and the next admin call is a 403`, async () => {
    const { headers: staff } = await actor("admin");
    const admins = await signedIn(PAIRS, "admin");
    const outcomes = await Promise.all(
      admins.map(({ user, tokens }) =>
        Promise.all([
          refresh(tokens.refreshToken),
          call(
            `/api/v1/users/${user.id}`,
            jsonBody({ role: "seller" }, { method: "PATCH", headers: staff }),
          ),
        ]),
      ),
    );
    for (const [index, [refreshed, demoted]] of outcomes.entries()) {
      expect(demoted.status).toBe(200);
      const latest = (await tokensFrom(refreshed)) ?? admins[index]!.tokens;
      expect(refreshed.status).toBe(200);
      const headers = bearer(latest.accessToken);
      expect((await call("/api/v1/users", { headers })).status).toBe(403);
      expect((await me(latest.accessToken)).status).toBe(200);
      const again = await tokensFrom(await refresh(latest.refreshToken));
      expect(again?.user.role).toBe("seller");
      expect((await call("/api/v1/users", { headers: bearer(again!.accessToken) })).status).toBe(
        403,
      );
    }
  }, 60_000);
});
