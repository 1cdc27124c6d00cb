import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { COMMON_NAMES, readDivipola, renderPlacesSql, spellings } from "../../scripts/build-places";

/** DANE's DIVIPOLA as shipped (scripts/data/divipola.csv) and as migration 0002 loads it. */
describe("DIVIPOLA places", async () => {
  const { departments, municipalities } = await readDivipola();

  it("has DANE's 33 departments and 1,122 municipalities, each inside its department", () => {
    expect(departments).toHaveLength(33);
    expect(municipalities).toHaveLength(1122);
    expect(new Set(municipalities.map((m) => m.code)).size).toBe(1122);
    for (const m of municipalities) expect(m.code.startsWith(m.departmentCode), m.code).toBe(true);
    expect(municipalities.find((m) => m.code === "05001")?.name).toBe("Medellín");
    expect(departments.find((d) => d.code === "11")?.name).toBe("Bogotá, D.C.");
  });

  it("migration 0002 loads exactly the shipped list", async () => {
    const migration = await readFile("migrations/0002_places_kinds_search.sql", "utf8");
    expect(migration).toContain(await renderPlacesSql());
  });

  it("no spelling names two places of one department, so a department and a city name one place", () => {
    const places = [...departments, ...municipalities];
    const departmentOf = new Map(municipalities.map((m) => [m.code, m.departmentCode]));
    const seen = new Map<string, string>();
    for (const [key, code] of spellings(places)) {
      const scope = `${key}@${departmentOf.get(code) ?? "department"}`;
      expect(seen.get(scope), `${key}: ${seen.get(scope)} and ${code}`).toBeUndefined();
      seen.set(scope, code);
    }
  });

  it("every common short name belongs to a real place", () => {
    const codes = new Set([...departments, ...municipalities].map((p) => p.code));
    for (const code of Object.keys(COMMON_NAMES)) expect(codes.has(code), code).toBe(true);
  });
});
