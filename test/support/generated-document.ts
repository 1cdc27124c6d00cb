import { readFileSync } from "node:fs";
import { openApiDocument } from "../../src/openapi-document";

/** PUBLIC_URL as wrangler.toml sets it: the document Node tests check is the one served. */
export function configuredPublicUrl(): string {
  const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
  const url = /^PUBLIC_URL\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (url === undefined) throw new Error("wrangler.toml sets no PUBLIC_URL");
  return url;
}

/** The OpenAPI document as the Worker serves it, generated in Node (for Node-only tools). */
export const generatedDocument = () => openApiDocument(configuredPublicUrl());
