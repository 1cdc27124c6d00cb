import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SLOW_REQUEST_MS, shouldLog } from "../src/lib/request-log";
import { client, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { call } from "./support/http";

afterEach(() => vi.restoreAllMocks());

describe("X-Request-Id", () => {
  // The reason src/lib/request-id.ts is not hono/request-id: Hono's accepts only [\w\-=],
  // so this id (dots are common in clients' ids) would be replaced by a fresh one.
  it("echoes a well-formed id from the caller", async () => {
    const response = await call("/api/v1/health", {
      headers: { "X-Request-Id": "phone-42.retry_1" },
    });
    expect(response.headers.get("X-Request-Id")).toBe("phone-42.retry_1");
  });

  it("replaces an id with unsafe characters or over 128 chars with a fresh UUIDv7", async () => {
    for (const given of ["bad id", "a".repeat(129), "a;b", "<script>"]) {
      const response = await call("/api/v1/health", { headers: { "X-Request-Id": given } });
      const id = response.headers.get("X-Request-Id");
      expect(id, given).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it("takes Cloudflare's Ray ID when the caller sent none (Workers Logs records it)", async () => {
    const ray = "8f1c2a3b4c5d6e7f-BOG";
    const response = await call("/api/v1/missing", { headers: { "CF-Ray": ray } });
    expect(response.headers.get("X-Request-Id")).toBe(ray);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(ray);
    const own = await call("/api/v1/health", {
      headers: { "CF-Ray": ray, "X-Request-Id": "phone-7" },
    });
    expect(own.headers.get("X-Request-Id")).toBe("phone-7");
  });

  it("generates one when none is sent, also on errors", async () => {
    const response = await call("/api/v1/missing");
    const id = response.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(id);
  });
});

describe("security headers", () => {
  it("sets nosniff, a strict CSP and no X-Powered-By on API responses and errors", async () => {
    for (const path of ["/api/v1/health", "/api/v1/missing"]) {
      const response = await call(path);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Content-Security-Policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(response.headers.get("X-Frame-Options")).toBe("DENY");
      expect(response.headers.get("Strict-Transport-Security")).toContain("max-age=");
      expect(response.headers.has("X-Powered-By")).toBe(false);
    }
  });
});

describe("CORS", () => {
  it("allows an origin from CORS_ORIGINS", async () => {
    const response = await call("/api/v1/health", { headers: { Origin: "http://localhost:5173" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
    expect(response.headers.get("Access-Control-Expose-Headers")).toContain("X-Request-Id");
    expect(response.headers.get("Vary")).toContain("Origin");
  });

  it("answers a preflight from an allowed origin with the methods and headers", async () => {
    const response = await call("/api/v1/health", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, if-match",
        "X-Request-Id": "preflight-1",
      },
    });
    expect(response.status).toBe(204);
    // The cors middleware builds this answer itself; it still carries the request id.
    expect(response.headers.get("X-Request-Id")).toBe("preflight-1");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("PATCH");
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain(
      "if-match",
    );
  });

  it("denies an origin that is not listed, including look-alikes", async () => {
    for (const origin of ["https://evil.example", "http://localhost:5173.evil.example", "null"]) {
      const response = await call("/api/v1/health", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "GET" },
      });
      expect(response.headers.has("Access-Control-Allow-Origin"), origin).toBe(false);
      const simple = await call("/api/v1/health", { headers: { Origin: origin } });
      expect(simple.headers.has("Access-Control-Allow-Origin"), origin).toBe(false);
    }
  });
});

describe("request log", () => {
  /** The JSON lines console.log receives while `run` runs. */
  async function logged(run: () => Promise<Response>) {
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, "log")
      .mockImplementation((line: string) => void lines.push(line));
    const response = await run();
    await response.arrayBuffer();
    spy.mockRestore();
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it("writes one JSON line for a refusal, with method, path, status, duration and request id", async () => {
    const { headers } = await actor("seller");
    const lines = await logged(() =>
      client(headers).post("/products?token=secret-value", newProduct(), {
        "X-Request-Id": "log-test",
      }),
    );
    expect(lines).toEqual([
      {
        level: "warn",
        message: "request",
        method: "POST",
        path: "/api/v1/products",
        status: 403,
        durationMs: expect.any(Number),
        requestId: "log-test",
        userId: expect.any(String),
        d1RoundTrips: 1,
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain("secret-value");
    expect(JSON.stringify(lines)).not.toContain(headers.Authorization.slice(7));
  });

  it("writes no line for a successful write: its audit row carries the request id", async () => {
    const { headers, user } = await actor("admin");
    const lines = await logged(() =>
      client(headers).post("/products", newProduct(), { "X-Request-Id": "audited-1" }),
    );
    expect(lines).toEqual([]);
    const row = await env.DB.prepare(
      "select actor_id, action from audit_events where request_id = 'audited-1'",
    ).first();
    expect(row).toEqual({ actor_id: user.id, action: "product.created" });
  });

  it("logs client errors as warn, even on reads", async () => {
    const lines = await logged(() =>
      call("/api/v1/missing", { headers: { "X-Request-Id": "not-found-1" } }),
    );
    expect(lines).toEqual([
      expect.objectContaining({ level: "warn", status: 404, requestId: "not-found-1" }),
    ]);
  });

  it("writes no line for a fast successful read (Workers Logs records the invocation)", async () => {
    const { headers } = await actor("admin");
    expect(await logged(() => call("/api/v1/health"))).toEqual([]);
    expect(await logged(() => call("/api/v1/products", { headers }))).toEqual([]);
  });

  it("logs a slow request, and every failure whatever its speed", () => {
    expect(shouldLog(200, SLOW_REQUEST_MS - 1)).toBe(false);
    expect(shouldLog(304, SLOW_REQUEST_MS - 1)).toBe(false);
    expect(shouldLog(201, SLOW_REQUEST_MS)).toBe(true);
    expect(shouldLog(401, 0)).toBe(true);
    expect(shouldLog(503, 0)).toBe(true);
  });
});

describe("GET /", () => {
  it("redirects to the docs UI", async () => {
    const response = await call("/", { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/docs/");
  });
});
