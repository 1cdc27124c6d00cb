// npm run bundle:check: bundles the Worker exactly as `wrangler deploy` would (a dry run, so
// nothing is uploaded) and fails if the code is over its gzip budget, if zod brought in any
// error-message translation other than English, or if the OpenAPI document's prose or
// examples (built ahead of time, src/lib/docs.ts) made it into the Worker. wrangler.toml's
// [alias] swaps zod's `../locales/index.js` (~40 languages it cannot tree-shake) for
// src/zod-locales.ts; the esbuild metafile shows whether that still holds. Also used by
// bench/run.mjs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUNDLE_BUDGET_BYTES = 150 * 1024;

const ZOD_INPUT = /(^|\/)node_modules\/zod\//;
const ZOD_LOCALE_INPUT = /(^|\/)node_modules\/zod\/v4\/locales\/([^/]+)\.js$/;

/**
 * Bundles the Worker into a temporary directory and checks it.
 * @returns {{ rawBytes: number, gzipBytes: number, budgetBytes: number,
 *   zodLocales: string[], failures: string[] }}
 */
export function checkBundle() {
  const outdir = mkdtempSync(join(tmpdir(), "portafolio-bundle-"));
  try {
    const metafile = join(outdir, "meta.json");
    const args = ["deploy", "--dry-run", "--outdir", outdir, "--metafile", metafile];
    try {
      execFileSync("npx", ["wrangler", ...args], {
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        stdio: "pipe",
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      const { stderr, message } = /** @type {{ stderr?: Buffer, message: string }} */ (error);
      throw new Error(`wrangler ${args.join(" ")} failed:\n${stderr ?? message}`);
    }
    const code = readFileSync(join(outdir, "index.js"));
    const rawBytes = code.length;
    const gzipBytes = gzipSync(code, { level: 9 }).length;

    /** @type {{ inputs: Record<string, unknown> }} */
    const meta = JSON.parse(readFileSync(metafile, "utf8"));
    const inputs = Object.keys(meta.inputs);
    const zodLocales = inputs
      .map((path) => ZOD_LOCALE_INPUT.exec(path)?.[2])
      .filter((name) => name !== undefined)
      .sort();

    const failures = [];
    if (gzipBytes > BUNDLE_BUDGET_BYTES)
      failures.push(`bundle: ${gzipBytes} bytes gzip is over the ${BUNDLE_BUDGET_BYTES} budget`);
    const others = zodLocales.filter((name) => name !== "en");
    if (others.length > 0)
      failures.push(
        `bundle: zod locales other than English are bundled (${others.join(", ")}); ` +
          'check the [alias] for "../locales/index.js" in wrangler.toml',
      );
    // The OpenAPI document's prose and examples stay out (src/lib/docs.ts); these are one
    // route's summary, the document's description and one schema's example.
    for (const prose of [
      "Changes since the last sync",
      "fuerza de ventas en campo",
      "Tiendas de barrio Antioquia",
    ]) {
      if (code.includes(prose))
        failures.push(`bundle: OpenAPI prose is in the Worker ("${prose}"); see src/lib/docs.ts`);
    }
    if (inputs.some((path) => path.endsWith("src/resources/examples.ts")))
      failures.push(
        "bundle: src/resources/examples.ts is in the Worker; see src/openapi-document.ts",
      );
    // A zod that moved its files would make the locale check pass vacuously.
    if (!inputs.some((path) => ZOD_INPUT.test(path)))
      failures.push("bundle: the metafile lists no zod input; update scripts/bundle-check.mjs");
    return { rawBytes, gzipBytes, budgetBytes: BUNDLE_BUDGET_BYTES, zodLocales, failures };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The lines that report a checkBundle() result.
 * @param {ReturnType<typeof checkBundle>} result
 */
export function describeBundle({ rawBytes, gzipBytes, budgetBytes, zodLocales }) {
  const kib = (/** @type {number} */ bytes) => (bytes / 1024).toFixed(1);
  const englishOnly = zodLocales.every((name) => name === "en");
  return [
    `bundle: ${rawBytes} bytes raw, ${gzipBytes} bytes gzip = ${kib(gzipBytes)} KiB ` +
      `(budget ${budgetBytes} = ${kib(budgetBytes)} KiB): ${gzipBytes <= budgetBytes ? "ok" : "OVER"}`,
    `bundle: zod locales ${zodLocales.join(", ") || "(none)"}: ` +
      `${englishOnly ? "ok, English only" : "NOT English only"}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let result;
  try {
    result = checkBundle();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  for (const line of describeBundle(result)) console.log(line);
  if (result.failures.length > 0) {
    console.error(`\nbundle check FAILED:\n- ${result.failures.join("\n- ")}`);
    process.exitCode = 1;
  }
}
