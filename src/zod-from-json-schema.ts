// Stands in for zod's `./from-json-schema.js` (see [alias] in wrangler.toml): z.fromJSONSchema
// builds zod schemas from JSON Schema at run time, which the API never does, but esbuild
// cannot drop it (the z namespace is imported whole). Calling it in the Worker says so.
export function fromJSONSchema(): never {
  throw new Error("z.fromJSONSchema is not bundled in the Worker (src/zod-from-json-schema.ts)");
}
