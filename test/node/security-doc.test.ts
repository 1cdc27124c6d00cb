import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ROLE_MATRIX, ROLES, SELLER_FIELDS } from "../support/role-matrix";

const doc = await readFile(new URL("../../docs/security.md", import.meta.url), "utf8");

/** The cells of every Markdown table row whose first cell starts with `pattern`. */
const rows = (pattern: RegExp) =>
  doc
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    )
    .filter(([first]) => pattern.test(first ?? ""));

describe("docs/security.md", () => {
  it("states the role matrix the tests hold the API to, route by route", () => {
    const documented = Object.fromEntries(
      rows(/^`(GET|POST|PUT|PATCH|DELETE) \/api\/v1\//).map(([route, ...cells]) => [
        route!.replaceAll("`", ""),
        ROLES.filter((_, i) => cells[i]!.startsWith("✓")),
      ]),
    );
    expect(documented).toEqual(
      Object.fromEntries(
        Object.entries(ROLE_MATRIX).map(([route, roles]) => [
          route,
          ROLES.filter((role) => roles.includes(role)),
        ]),
      ),
    );
  });

  it("states what a seller may write on an establishment, field by field", () => {
    const documented: Record<string, [boolean, boolean]> = {};
    for (const [fields, onCreate, onUpdate] of rows(/^`[a-z]+`/i)) {
      for (const field of fields!.split(",").map((f) => f.trim().replaceAll("`", ""))) {
        documented[field] = [onCreate!.startsWith("✓"), onUpdate!.startsWith("✓")];
      }
    }
    expect(documented).toEqual(SELLER_FIELDS);
  });
});
