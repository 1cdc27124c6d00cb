// Stands in for "@asteasolutions/zod-to-openapi" in the Worker bundle (see [alias] in
// wrangler.toml). The Worker needs its registry and the `.openapi()` extension of zod (the
// routes register themselves, the schemas carry their metadata) but not the document
// generators: the document is generated at build time (scripts/build-openapi.ts) and
// served as a static asset. About 6 KB gzip less in the Worker.
export {
  extendZodWithOpenApi,
  getOpenApiMetadata,
  OpenAPIRegistry,
} from "../node_modules/@asteasolutions/zod-to-openapi/dist/index.mjs";

class NotInTheWorker {
  constructor() {
    throw new Error("The OpenAPI document is generated at build time (scripts/build-openapi.ts)");
  }
}

export { NotInTheWorker as OpenApiGeneratorV3, NotInTheWorker as OpenApiGeneratorV31 };
