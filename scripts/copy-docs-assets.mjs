// Copies the Swagger UI bundle from node_modules into public/docs/vendor, so /docs is
// served from the Worker's own static assets: no third-party CDN at runtime, which keeps
// it working on a corporate intranet and under a strict CSP. Run by wrangler's [build]
// step (dev, deploy) and by the test setup.
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", "LICENSE", "NOTICE"];

export async function copyDocsAssets() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const source = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const target = join(root, "public", "docs", "vendor");
  await mkdir(target, { recursive: true });
  await Promise.all(FILES.map((file) => copyFile(join(source, file), join(target, file))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await copyDocsAssets();
