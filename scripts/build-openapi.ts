// Writes the OpenAPI document to public/docs/openapi.template.json (git-ignored), which the
// Worker serves at /api/v1/openapi.json with its PUBLIC_URL in `servers`
// (src/lib/openapi.ts). Generated from the routes themselves, so it cannot drift from
// them; the generator stays out of the Worker bundle. Run by wrangler's [build] step (dev,
// deploy: it runs again on every change under src/) and by the test setup.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export async function buildOpenApiDocument() {
  // With its prose (src/lib/docs.ts): set before the app's modules are first evaluated.
  globalThis.OPENAPI_DOCS = true;
  const { openApiDocument } = await import("../src/openapi-document");
  const { DOCUMENT_ASSET, SERVER_PLACEHOLDER } = await import("../src/lib/openapi");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const target = join(root, "public", DOCUMENT_ASSET);
  const document = JSON.stringify(openApiDocument(SERVER_PLACEHOLDER));
  // Unchanged, it is left alone: a rewritten asset makes `wrangler dev` reload the Worker
  // under requests in flight.
  if ((await readFile(target, "utf8").catch(() => null)) === document) return;
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, document);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildOpenApiDocument();
