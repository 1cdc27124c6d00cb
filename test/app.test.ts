import { afterEach, describe, expect, it, vi } from "vitest";
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
  it("writes one JSON line per request with method, path, status, duration and request id", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    await call("/api/v1/health?token=secret-value", {
      headers: { "X-Request-Id": "log-test", Authorization: "Bearer abc.def.ghi" },
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toEqual({
      level: "info",
      message: "request",
      method: "GET",
      path: "/api/v1/health",
      status: 200,
      durationMs: expect.any(Number),
      requestId: "log-test",
      userId: null,
      d1RoundTrips: 0,
    });
    expect(lines[0]).not.toContain("secret-value");
    expect(lines[0]).not.toContain("abc.def.ghi");
  });

  it("logs client errors as warn", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    await call("/api/v1/missing");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", status: 404 });
  });
});

describe("GET /", () => {
  it("redirects to the docs UI", async () => {
    const response = await call("/", { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/docs/");
  });
});
