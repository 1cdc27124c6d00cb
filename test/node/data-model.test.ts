import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  DOC_PATH,
  relationshipMeanings,
  renderErDiagram,
  withDiagram,
} from "../../scripts/er-diagram";

describe("docs/data-model.md", () => {
  it("holds the ER diagram generated from the current schema (run npm run docs:er)", async () => {
    const doc = await readFile(DOC_PATH, "utf8");
    expect(doc).toBe(withDiagram(doc));
  });

  it("explains every foreign key in one line, and nothing that is not one", () => {
    const diagram = renderErDiagram();
    for (const key of Object.keys(relationshipMeanings))
      expect(diagram, key).toContain(`\`${key}\``);
    const relationships = diagram.split("\n").filter((line) => line.includes("--o{"));
    expect(relationships).toHaveLength(Object.keys(relationshipMeanings).length);
  });
});
