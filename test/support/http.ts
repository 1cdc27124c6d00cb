import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../src/index";

export const ORIGIN = "http://localhost";

/**
 * Calls the Worker entry (src/index.ts) with the real bindings, as the runtime does. Not
 * through `exports.default.fetch`: in vitest-pool-workers 0.15 each call through it gets
 * slower than the last (100 requests: 0.3 s, then 0.9 s, 1.8 s, 3.2 s…), which made a
 * long suite quadratic.
 */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(worker.fetch(new Request(`${ORIGIN}${path}`, init), env));
}

export function jsonBody(body: unknown, init: RequestInit = {}): RequestInit {
  return {
    method: "POST",
    ...init,
    headers: { "Content-Type": "application/json", ...init.headers },
    body: JSON.stringify(body),
  };
}

/** Asserts an RFC 9457 problem response and returns its body. */
export async function expectProblem(response: Response, status: number, kind: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  const requestId = response.headers.get("X-Request-Id");
  expect(requestId).toBeTruthy();
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `/problems/${kind}`, status, requestId });
  expect(typeof body.title).toBe("string");
  expect(typeof body.instance).toBe("string");
  expect(["en", "es"]).toContain(response.headers.get("Content-Language"));
  return body;
}
