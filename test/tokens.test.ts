import { env } from "cloudflare:workers";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { actor, bearer, me } from "./support/auth";
import { call, expectProblem } from "./support/http";

afterEach(() => vi.useRealTimers());

const b64url = (text: string) =>
  btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

async function signWithTestKey(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
) {
  const jwk = JSON.parse(env.JWT_PRIVATE_KEY);
  const key = await importJWK(
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d },
    "ES256",
  );
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: jwk.kid, ...header })
    .sign(key);
}

/** Valid claims for `session` of a signed-in actor, to tamper with one at a time. */
async function validClaims() {
  const { tokens } = await actor("seller");
  return { claims: decodeJwt(tokens.accessToken), tokens };
}

async function expectRejected(token: string) {
  const response = await me(token);
  await expectProblem(response, 401, "unauthorized");
  expect(response.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
}

describe("access token", () => {
  it("is an ES256 at+jwt with a configured kid and the standard claims", async () => {
    const { tokens, user } = await actor("support");
    const header = decodeProtectedHeader(tokens.accessToken);
    const claims = decodeJwt(tokens.accessToken);
    expect(header).toEqual({
      alg: "ES256",
      typ: "at+jwt",
      kid: JSON.parse(env.JWT_PRIVATE_KEY).kid,
    });
    expect(claims).toMatchObject({
      iss: env.JWT_ISSUER,
      aud: env.JWT_AUDIENCE,
      sub: user.id,
      role: "support",
      sid: expect.any(String),
      jti: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.nbf).toBe(claims.iat);
    expect(tokens.expiresIn).toBe(900);
    expect((await me(tokens.accessToken)).status).toBe(200);
  });

  it("is published in /.well-known/jwks.json as a public key only", async () => {
    const response = await call("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: "EC",
      crv: "P-256",
      alg: "ES256",
      use: "sig",
      kid: JSON.parse(env.JWT_PRIVATE_KEY).kid,
    });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("without a token: 401 with a plain Bearer challenge", async () => {
    const response = await call("/api/v1/auth/me");
    await expectProblem(response, 401, "unauthorized");
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="portafolio"');
  });

  it("accepts the Bearer scheme in any letter case (RFC 9110 §11.1)", async () => {
    const { tokens } = await actor("seller");
    for (const scheme of ["bearer", "BEARER", "Bearer  "]) {
      const response = await call("/api/v1/auth/me", {
        headers: { Authorization: `${scheme} ${tokens.accessToken}` },
      });
      expect(response.status, scheme).toBe(200);
    }
  });

  it("rejects a non-Bearer Authorization header", async () => {
    const response = await call("/api/v1/auth/me", { headers: { Authorization: "Basic YTpi" } });
    await expectProblem(response, 401, "unauthorized");
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("rejects alg: none", async () => {
    const { claims } = await validClaims();
    await expectRejected(
      `${b64url(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${b64url(JSON.stringify(claims))}.`,
    );
  });

  it("rejects HS256, including one signed with the public key as the HMAC secret", async () => {
    const { claims } = await validClaims();
    const publicJwk = (await (await call("/.well-known/jwks.json")).json()) as { keys: object[] };
    for (const secret of [JSON.stringify(publicJwk.keys[0]), "secret"]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({
          alg: "HS256",
          typ: "at+jwt",
          kid: JSON.parse(env.JWT_PRIVATE_KEY).kid,
        })
        .sign(new TextEncoder().encode(secret));
      await expectRejected(token);
    }
  });

  it("rejects a token signed by another key, under its own kid or ours", async () => {
    const { claims } = await validClaims();
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    for (const kid of ["attacker", JSON.parse(env.JWT_PRIVATE_KEY).kid]) {
      await expectRejected(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
          .sign(privateKey),
      );
    }
    // …and never trusts a key the token carries itself.
    const jwk = await exportJWK(publicKey);
    await expectRejected(
      await new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt", jwk, jku: "https://evil.example/jwks" })
        .sign(privateKey),
    );
  });

  it("rejects a tampered payload", async () => {
    const { tokens } = await validClaims();
    const [header, payload, signature] = tokens.accessToken.split(".");
    const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/")));
    const forged = b64url(JSON.stringify({ ...claims, role: "admin" }));
    await expectRejected(`${header}.${forged}.${signature}`);
  });

  it("rejects a refresh token used as an access token", async () => {
    const { tokens } = await validClaims();
    await expectRejected(tokens.refreshToken);
  });

  it.each([
    ["another issuer", { iss: "https://evil.example" }],
    ["another audience", { aud: "another-api" }],
    ["no exp", { exp: undefined }],
    ["a future nbf", { nbf: Math.floor(Date.now() / 1000) + 120 }],
    ["an unknown role", { role: "root" }],
  ])("rejects a token with %s, even when properly signed", async (_, change) => {
    const { claims } = await validClaims();
    const token = await signWithTestKey(JSON.parse(JSON.stringify({ ...claims, ...change })));
    await expectRejected(token);
    // The same claims unchanged, signed the same way, are accepted: the change is the cause.
    expect((await me(await signWithTestKey(claims))).status).toBe(200);
  });

  it.each([
    ["no iat", { iat: undefined }],
    ["no jti", { jti: undefined }],
    ["no sub", { sub: undefined }],
    ["a string exp", { exp: "9999999999" }],
    ["an audience list without ours", { aud: ["another-api"] }],
  ])("rejects a token with %s", async (_, change) => {
    const { claims } = await validClaims();
    await expectRejected(
      await signWithTestKey(JSON.parse(JSON.stringify({ ...claims, ...change }))),
    );
  });

  it("accepts an audience list that names this API", async () => {
    const { claims } = await validClaims();
    const token = await signWithTestKey({ ...claims, aud: ["another-api", env.JWT_AUDIENCE] });
    expect((await me(token)).status).toBe(200);
  });

  it("rejects a critical header extension it does not understand", async () => {
    const { claims } = await validClaims();
    await expectRejected(await signWithTestKey(claims, { crit: ["b64"], b64: true }));
  });

  it("rejects a signature of the wrong length and a token of four parts", async () => {
    const { tokens } = await validClaims();
    const [header, payload, signature] = tokens.accessToken.split(".");
    await expectRejected(`${header}.${payload}.${signature}AA`);
    await expectRejected(`${tokens.accessToken}.${signature}`);
  });

  it("rejects another typ (an ID token or plain JWT is not an access token)", async () => {
    const { claims } = await validClaims();
    await expectRejected(await signWithTestKey(claims, { typ: "JWT" }));
  });

  it("expires after 15 minutes, with at most 30 s of clock tolerance", async () => {
    const { tokens } = await actor("seller");
    const issuedAt = decodeJwt(tokens.accessToken).iat! * 1000;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(issuedAt + 900_000 + 25_000);
    expect((await me(tokens.accessToken)).status).toBe(200);
    vi.setSystemTime(issuedAt + 900_000 + 31_000);
    await expectRejected(tokens.accessToken);
  });

  it("is accepted on every route through the same middleware", async () => {
    const { headers } = await actor("admin");
    expect((await call("/api/v1/users", { headers })).status).toBe(200);
    expect((await call("/api/v1/users", { headers: bearer("x.y.z") })).status).toBe(401);
  });
});
