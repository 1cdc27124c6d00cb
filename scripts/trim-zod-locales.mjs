// postinstall: drops zod's bundle of ~40 error-message translations from the Worker.
// zod re-exports them as `z.locales` / `core.locales`, and because its namespaces are
// used dynamically (zod-openapi extends `z`), esbuild cannot tree-shake them: ~370 KB raw,
// ~42 KB gzip of a Worker that only ever speaks the default English messages. Replacing
// the two re-exports with an empty object keeps the bundle inside its 200 KiB gzip budget
// (docs/performance.md). Idempotent; warns, never fails, if zod's files change shape.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const EXPORT = 'export * as locales from "../locales/index.js";';
const TRIMMED = "export const locales = {}; // trimmed by scripts/trim-zod-locales.mjs";

let root;
try {
  root = dirname(createRequire(import.meta.url).resolve("zod/package.json"));
} catch {
  process.exit(0); // zod not installed (e.g. a partial install): nothing to do
}
for (const file of ["v4/core/index.js", "v4/classic/external.js"]) {
  const path = join(root, file);
  const text = await readFile(path, "utf8");
  if (text.includes(TRIMMED)) continue;
  if (!text.includes(EXPORT)) {
    console.warn(`trim-zod-locales: ${file} no longer has the locales re-export; nothing trimmed`);
    continue;
  }
  await writeFile(path, text.replace(EXPORT, TRIMMED));
}
