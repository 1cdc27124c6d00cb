/**
 * Whether this build carries the OpenAPI document's prose: descriptions, summaries and
 * examples. The document is built ahead of time (scripts/build-openapi.ts sets the flag)
 * and the Worker only serves it, so the Worker's build defines `globalThis.OPENAPI_DOCS` false
 * (wrangler.toml [define]) and esbuild drops every `DOCS ? text : ""` down to `""`: some
 * 10 KiB gzip of text the Worker never reads. Tests define it true (vitest.config.mts).
 */
export const DOCS = globalThis.OPENAPI_DOCS === true;

declare global {
  /** Set by the build (wrangler.toml, vitest.config.mts) or by scripts/build-openapi.ts. */
  var OPENAPI_DOCS: boolean | undefined;
}
