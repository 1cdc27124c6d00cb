import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ORIGIN = "http://localhost";

/** Calls the deployed Worker entry (src/index.ts) as a client would. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
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
  return body;
}
