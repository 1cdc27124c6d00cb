import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { version } from "../package.json";
import { createApp } from "../src/app";
import { call, expectProblem, jsonBody } from "./support/http";

const failing = (message: string) => () => Promise.reject(new Error(message));

describe("GET /api/v1/health", () => {
  it("answers 200 with the version, without touching storage", async () => {
    const app = createApp();
    // Storage that throws on any use: liveness must not need it.
    const broken = {
      ...env,
      DB: { withSession: () => ({ prepare: failing("d1"), getBookmark: () => null }) },
      SESSIONS: { get: failing("kv") },
    } as unknown as Env;
    const response = await app.request("/api/v1/health", {}, broken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", version });
  });
});

describe("GET /api/v1/health/ready", () => {
  it("answers 200 when D1 and KV answer", async () => {
    const response = await call("/api/v1/health/ready");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", checks: { d1: "ok", kv: "ok" } });
  });

  it("answers 503 naming D1 when D1 fails", async () => {
    const brokenD1 = {
      withSession: () => ({
        prepare: () => {
          throw new Error("D1 unreachable");
        },
        getBookmark: () => null,
      }),
    };
    const response = await createApp().request("/api/v1/health/ready", {}, {
      ...env,
      DB: brokenD1,
    } as unknown as Env);
    const body = await expectProblem(response, 503, "service-unavailable");
    expect(body.detail).toBe("D1 did not answer");
    expect(response.headers.get("Retry-After")).toBe("5");
  });

  it("answers 503 naming KV when KV fails", async () => {
    const response = await createApp().request("/api/v1/health/ready", {}, {
      ...env,
      SESSIONS: { get: failing("KV unreachable") },
    } as unknown as Env);
    const body = await expectProblem(response, 503, "service-unavailable");
    expect(body.detail).toBe("KV did not answer");
  });
});

describe("an outage of D1 or KV on any route", () => {
  it("answers 503 with Retry-After, not 500, and hides the driver's message", async () => {
    const { actor } = await import("./support/auth");
    const { headers } = await actor("admin");
    const outage = (message: string) => () => {
      throw new Error(message);
    };
    const brokenD1 = {
      withSession: () => ({
        prepare: outage("D1_ERROR: Network connection lost."),
        batch: outage("D1_ERROR: Network connection lost."),
        getBookmark: () => null,
      }),
    };
    const noD1 = await createApp().request("/api/v1/products", { headers }, {
      ...env,
      DB: brokenD1,
    } as unknown as Env);
    const body = await expectProblem(noD1, 503, "service-unavailable");
    expect(noD1.headers.get("Retry-After")).toBe("5");
    expect(JSON.stringify(body)).not.toContain("Network connection lost");

    // KV holds the refresh tokens: a refresh needs it.
    const noKv = await createApp().request(
      "/api/v1/auth/refresh",
      jsonBody({ refreshToken: "A".repeat(43) }),
      {
        ...env,
        SESSIONS: { get: failing("KV GET failed: 503 Service Unavailable") },
      } as unknown as Env,
    );
    await expectProblem(noKv, 503, "service-unavailable");
  });

  it("still answers a SQL bug with 500", async () => {
    const { actor } = await import("./support/auth");
    const { headers } = await actor("admin");
    const buggy = {
      withSession: () => ({
        prepare: () => {
          throw new Error("D1_ERROR: no such column: nope: SQLITE_ERROR");
        },
        getBookmark: () => null,
      }),
    };
    const response = await createApp().request("/api/v1/products", { headers }, {
      ...env,
      DB: buggy,
    } as unknown as Env);
    await expectProblem(response, 500, "internal-error");
  });
});
