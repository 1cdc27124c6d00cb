import { describe, expect, it } from "vitest";
import { sessionStart } from "../src/request/d1-session";
import { call } from "./support/http";

const BOOKMARK = "0000000a-00000004-00005040-8f1b2b4ef8a54f3e9e3c2f0e4a9d1c7b";

describe("D1 session per request", () => {
  it("starts reads from a valid client bookmark, else first-unconstrained", () => {
    expect(sessionStart("GET", BOOKMARK)).toBe(BOOKMARK);
    expect(sessionStart("GET", undefined)).toBe("first-unconstrained");
    for (const bad of ["", "first-primary", "latest", "'; drop table users", "zz-00"]) {
      expect(sessionStart("GET", bad), bad).toBe("first-unconstrained");
    }
  });

  it("sends writes to the primary whatever the client says", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(sessionStart(method, BOOKMARK)).toBe("first-primary");
    }
  });

  it("returns the session's latest bookmark, which the next read can start from", async () => {
    const first = await call("/api/v1/health/ready");
    const bookmark = first.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(/^[0-9a-f]{8}-/);
    const next = await call("/api/v1/health/ready", { headers: { "x-d1-bookmark": bookmark! } });
    expect(next.status).toBe(200);
    expect(next.headers.get("x-d1-bookmark")! >= bookmark!).toBe(true);
  });

  it("ignores a garbage bookmark instead of failing the request", async () => {
    const response = await call("/api/v1/health/ready", {
      headers: { "x-d1-bookmark": "not-a-bookmark" },
    });
    expect(response.status).toBe(200);
  });
});
