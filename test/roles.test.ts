import { describe, expect, it } from "vitest";
import { actor } from "./support/auth";
import { call, expectProblem } from "./support/http";
import { documentedOperations } from "./support/openapi";
import { ROLE_MATRIX, ROLES } from "./support/role-matrix";

/**
 * The role matrix, as written by hand in test/support/role-matrix.ts (and in
 * docs/security.md): every role it does not list gets 403 on the route, every role it
 * lists gets past authorization, and no token at all gets 401. The OpenAPI document must
 * name the same routes and roles, so a new route cannot ship without a row here.
 */
// Public operations say `security: []`; protected ones name the bearer scheme.
const documented = (await documentedOperations()).filter(
  (op) => (op.operation.security ?? []).length > 0,
);

const concrete = (path: string) =>
  path.replace(/^\/api\/v1/, "").replace(/\{[^}]+\}/g, "00000000-0000-7000-8000-000000000000");

const signedIn = Object.fromEntries(
  await Promise.all(ROLES.map(async (role) => [role, (await actor(role)).headers] as const)),
);

function send(route: string, headers: Record<string, string> = {}) {
  const [method, path] = route.split(" ") as [string, string];
  return call(`/api/v1${concrete(path)}`, {
    method,
    headers: { ...headers, "Content-Type": "application/json" },
    body: method === "GET" || method === "DELETE" ? undefined : "{}",
  });
}

describe("role matrix", () => {
  it("names exactly the protected operations of the OpenAPI document, with their x-roles", () => {
    const fromDocument = Object.fromEntries(
      documented.map(({ method, path, operation }) => [
        `${method} ${path}`,
        [...(operation["x-roles"] ?? [])].sort(),
      ]),
    );
    const fromMatrix = Object.fromEntries(
      Object.entries(ROLE_MATRIX).map(([route, roles]) => [route, [...roles].sort()]),
    );
    expect(fromDocument).toEqual(fromMatrix);
  });

  for (const [route, allowed] of Object.entries(ROLE_MATRIX)) {
    it(`${route}: no token → 401`, async () => {
      await expectProblem(await send(route), 401, "unauthorized");
    });

    for (const role of ROLES) {
      if (allowed.includes(role)) {
        it(`${route}: ${role} gets past authorization`, async () => {
          // Signing out everywhere would end the shared session: that route gets its own.
          const headers = route.endsWith("logout-all")
            ? (await actor(role)).headers
            : signedIn[role];
          const { status } = await send(route, headers);
          expect(status, `${route} as ${role}`).not.toBe(401);
          expect(status, `${route} as ${role}`).not.toBe(403);
        });
      } else {
        it(`${route}: ${role} → 403`, async () => {
          await expectProblem(await send(route, signedIn[role]), 403, "forbidden");
        });
      }
    }
  }
});
