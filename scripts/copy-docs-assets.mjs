// Copies the Swagger UI bundle from node_modules into public/docs/vendor, so /docs is
// served from the Worker's own static assets: no third-party CDN at runtime, which keeps
// it working on a corporate intranet and under a strict CSP. Run by wrangler's [build]
// step (dev, deploy) and by the test setup.
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", "LICENSE", "NOTICE"];

export async function copyDocsAssets() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const source = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const target = join(root, "public", "docs", "vendor");
  await mkdir(target, { recursive: true });
  await Promise.all(FILES.map((file) => copyIfChanged(join(source, file), join(target, file))));
}

/**
 * Leaves a file that is already up to date untouched: `wrangler dev` runs this build
 * again once its watcher is ready, and a rewritten asset would make it reload the Worker
 * under requests already in flight (a POST then fails with a 503 from its dev proxy).
 */
async function copyIfChanged(from, to) {
  const [wanted, present] = await Promise.all([readFile(from), readFile(to).catch(() => null)]);
  if (present === null || !wanted.equals(present)) await copyFile(from, to);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await copyDocsAssets();
