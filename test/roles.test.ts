import { describe, expect, it } from "vitest";
import { userRoles } from "../src/db/schema";
import { actor } from "./support/auth";
import { call, expectProblem } from "./support/http";
import { documentedOperations } from "./support/openapi";

/**
 * The role matrix, read from the OpenAPI document itself: every operation lists the roles
 * that may call it in `x-roles`; every other role must get 403, and no token at all 401.
 */
const operations = await documentedOperations();
const protectedOperations = operations.filter((op) => op.operation.security);

const concrete = (path: string) =>
  path.replace(/\{[^}]+\}/g, "00000000-0000-7000-8000-000000000000");

const signedIn = Object.fromEntries(
  await Promise.all(userRoles.map(async (role) => [role, (await actor(role)).headers] as const)),
);

describe("role matrix", () => {
  it("covers the protected routes, each listing its roles", () => {
    expect(protectedOperations.length).toBeGreaterThan(5);
    for (const { method, path, operation } of protectedOperations) {
      expect(operation["x-roles"], `${method} ${path}`).toBeDefined();
    }
  });

  for (const { method, path, operation } of protectedOperations) {
    const forbidden = userRoles.filter((role) => !operation["x-roles"]!.includes(role));

    it(`${method} ${path}: no token → 401`, async () => {
      await expectProblem(await call(concrete(path), { method }), 401, "unauthorized");
    });

    for (const role of forbidden) {
      it(`${method} ${path}: ${role} → 403`, async () => {
        const response = await call(concrete(path), {
          method,
          headers: { ...signedIn[role], "Content-Type": "application/json" },
          body: method === "GET" || method === "DELETE" ? undefined : "{}",
        });
        await expectProblem(response, 403, "forbidden");
      });
    }
  }
});
