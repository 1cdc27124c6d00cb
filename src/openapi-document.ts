import { createApp } from "./app";
import { documentConfig } from "./lib/openapi";
import { componentExamples } from "./resources/examples";

/**
 * The OpenAPI document, as scripts/build-openapi.ts writes it for the Worker to serve:
 * generated from the routes, with each named schema's example attached. Built ahead of
 * time (with the document's prose: src/lib/docs.ts); the Worker never imports this.
 */
export function openApiDocument(publicUrl: string) {
  const document = createApp().getOpenAPI31Document(documentConfig(publicUrl));
  const schemas = document.components?.schemas ?? {};
  for (const [name, example] of Object.entries(componentExamples)) {
    const schema = schemas[name];
    if (schema === undefined) throw new Error(`An example for ${name}, which is no schema`);
    Object.assign(schema, { example });
  }
  return document;
}
