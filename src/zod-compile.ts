// Stands in for zod's `z.compile` (see [alias] in wrangler.toml): it compiles a schema
// into JavaScript source and runs it with `new Function`, which Workers forbid, and the
// API never calls it; about 8 KiB gzip the Worker would only carry.
function notBundled(): never {
  throw new Error("z.compile is not bundled in the Worker (src/zod-compile.ts)");
}

export const INVALID = Symbol.for("zod.compile.invalid");
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}
export const compile = notBundled;
export const withParser = notBundled;
export const compileFn = notBundled;
