// Bundles the management dashboard (dashboard/*.ts, plain TypeScript for the browser) into
// public/dashboard/dashboard.js (git-ignored), served from the Worker's static assets at
// /dashboard. Run by wrangler's [build] step (dev, deploy) and by the test setup, as
// copy-docs-assets.mjs is. Prints the bundle's size, and its gzip size (docs/operations.md).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DASHBOARD_BUNDLE = join(root, "public", "dashboard", "dashboard.js");

/** Bundles the dashboard; returns its size in bytes, raw and gzipped. */
export async function buildDashboard() {
  const result = await build({
    entryPoints: [join(root, "dashboard", "main.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    write: false,
  });
  const code = /** @type {import("esbuild").OutputFile} */ (result.outputFiles[0]).contents;
  await mkdir(dirname(DASHBOARD_BUNDLE), { recursive: true });
  // Left untouched when unchanged: wrangler dev's watcher would reload the Worker under
  // requests in flight (see copy-docs-assets.mjs).
  const present = await readFile(DASHBOARD_BUNDLE).catch(() => null);
  if (present === null || !Buffer.from(code).equals(present))
    await writeFile(DASHBOARD_BUNDLE, code);
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, gzipBytes } = await buildDashboard();
  console.log(`dashboard: ${DASHBOARD_BUNDLE} ${bytes} bytes, ${gzipBytes} gzip`);
}
