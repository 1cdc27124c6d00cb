import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("committed migrations", () => {
  it("are what drizzle-kit generates from the schema (no pending schema change)", async () => {
    // Generate against a copy, so a failing run never writes into migrations/.
    const out = await mkdtemp(join(tmpdir(), "migrations-"));
    try {
      await cp("migrations", out, { recursive: true });
      const before = await readdir(out);
      const { stdout } = await run("npx", [
        "drizzle-kit",
        "generate",
        "--dialect=sqlite",
        "--schema=./src/db/schema/index.ts",
        // drizzle-kit prefixes "./" to --out, so it must be relative.
        `--out=${relative(process.cwd(), out)}`,
      ]);
      expect(await readdir(out)).toEqual(before);
      expect(stdout).toContain("No schema changes");
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("are numbered consecutively, as wrangler applies them in order", async () => {
    const files = (await readdir("migrations")).filter((f) => f.endsWith(".sql")).sort();
    expect(files.length).toBeGreaterThan(0);
    files.forEach((file, index) => {
      expect(file).toMatch(new RegExp(`^${String(index).padStart(4, "0")}_[a-z0-9_]+\\.sql$`));
    });
  });
});
