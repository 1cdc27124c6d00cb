// Stands in for zod's JSON Schema generation (see [alias] in wrangler.toml): the OpenAPI
// document is built ahead of time (scripts/build-openapi.ts) and the Worker only serves
// it, so nothing in the Worker turns a schema into JSON Schema. zod still builds each
// schema with a `toJSONSchema` method and processors, which are kept as functions that
// say so if anything ever calls them; about 6 KiB gzip of code the Worker never ran.
function notBundled(): never {
  throw new Error(
    "zod JSON Schema generation is not bundled in the Worker (src/zod-json-schema.ts)",
  );
}

export const toJSONSchema = notBundled;
export const createToJSONSchemaMethod = () => notBundled;
export const createStandardJSONSchemaMethod = () => notBundled;
export const allProcessors = {};
export const initializeContext = notBundled;
export const handleUnrepresentable = notBundled;
export const processSchema = notBundled;
export const process = notBundled;
export const extractDefs = notBundled;
export const finalize = notBundled;
export class JSONSchemaGenerator {
  constructor() {
    notBundled();
  }
}
export const aggregateChecks = notBundled;
export const stringProcessor = notBundled;
export const numberProcessor = notBundled;
export const booleanProcessor = notBundled;
export const bigintProcessor = notBundled;
export const symbolProcessor = notBundled;
export const nullProcessor = notBundled;
export const undefinedProcessor = notBundled;
export const voidProcessor = notBundled;
export const neverProcessor = notBundled;
export const anyProcessor = notBundled;
export const unknownProcessor = notBundled;
export const dateProcessor = notBundled;
export const enumProcessor = notBundled;
export const literalProcessor = notBundled;
export const nanProcessor = notBundled;
export const templateLiteralProcessor = notBundled;
export const fileProcessor = notBundled;
export const successProcessor = notBundled;
export const customProcessor = notBundled;
export const functionProcessor = notBundled;
export const transformProcessor = notBundled;
export const mapProcessor = notBundled;
export const setProcessor = notBundled;
export const arrayProcessor = notBundled;
export const objectProcessor = notBundled;
export const unionProcessor = notBundled;
export const intersectionProcessor = notBundled;
export const tupleProcessor = notBundled;
export const recordProcessor = notBundled;
export const nullableProcessor = notBundled;
export const nonoptionalProcessor = notBundled;
export const defaultProcessor = notBundled;
export const prefaultProcessor = notBundled;
export const catchProcessor = notBundled;
export const pipeProcessor = notBundled;
export const readonlyProcessor = notBundled;
export const promiseProcessor = notBundled;
export const optionalProcessor = notBundled;
export const lazyProcessor = notBundled;
