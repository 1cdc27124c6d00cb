import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generatedDocument } from "../support/generated-document";

const ROOT = new URL("../..", import.meta.url).pathname;
const dir = await mkdtemp(join(tmpdir(), "portafolio-redocly-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: {
    ruleId: string;
    severity: string;
    message: string;
    location: { pointer: string }[];
  }[];
}

/** `redocly lint` with the repository's redocly.yaml (recommended, two rules off with reasons). */
async function lint(document: object): Promise<LintReport> {
  const file = join(dir, `openapi-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(document, null, 2));
  const { stdout } = await promisify(execFile)(
    join(ROOT, "node_modules/.bin/redocly"),
    ["lint", file, "--config", join(ROOT, "redocly.yaml"), "--format=json"],
    {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  return JSON.parse(stdout) as LintReport;
}

/**
 * The one pair of paths that differ only by their parameter, on purpose: a file is sent to
 * `POST /imports/{entity}` and its job answers at `GET /imports/{id}` (the issue's
 * contract). They never clash (each has one method, `entity` is one of five names, `id` a
 * UUID), so these two findings at that path, and only they, are accepted.
 */
const ACCEPTED = new Set([
  "no-identical-paths #/paths/~1api~1v1~1imports~1{id}",
  "no-ambiguous-paths #/paths/~1api~1v1~1imports~1{id}",
]);
const accepted = (p: LintReport["problems"][number]) =>
  ACCEPTED.has(`${p.ruleId} ${p.location[0]?.pointer}`);

const summary = ({ problems }: LintReport) =>
  problems
    .filter((p) => !accepted(p))
    .map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

describe("redocly lint (recommended ruleset)", () => {
  it("finds no error and no warning in the generated document", async () => {
    const report = await lint(generatedDocument());
    expect(summary(report)).toEqual([]);
    expect(report.problems.filter(accepted)).toHaveLength(2);
  });

  it("would fail a document that broke a rule (the check can fail)", async () => {
    const document = generatedDocument();
    delete document.paths?.["/api/v1/health"]?.get?.operationId;
    delete document.info.license;
    const report = await lint(document);
    expect(
      report.problems
        .filter((p) => !accepted(p))
        .map((p) => p.ruleId)
        .sort(),
    ).toEqual(["info-license", "operation-operationId"]);
  });
});
