import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderCommonPasswords, SOURCE, TARGET } from "../../scripts/build-common-passwords";
import { passwordPolicyViolation } from "../../src/auth/passwords";

describe("common password list", () => {
  it("ships at least the 10,000 most common passwords", async () => {
    const lines = (await readFile(SOURCE, "utf8")).split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(10_000);
    expect(lines.slice(0, 3)).toEqual(["123456", "password", "12345678"]);
  });

  it("src/auth/common-passwords.ts is generated from it (npm run passwords:build)", async () => {
    expect(await readFile(TARGET, "utf8")).toBe(await renderCommonPasswords());
  });

  it("the policy rejects every one of them", async () => {
    const lines = (await readFile(SOURCE, "utf8")).split("\n").filter(Boolean);
    const accepted = lines.filter((p) => passwordPolicyViolation(p, "someone@example.co") === null);
    expect(accepted).toEqual([]);
  });
});
