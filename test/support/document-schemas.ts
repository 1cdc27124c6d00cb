import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

/** The id the document is known by inside the validator; `#/…` references resolve against it. */
const DOCUMENT_ID = "https://portafolio.invalid/openapi.json";

export type SchemaCheck = (pointer: string, value: unknown) => string[];

/**
 * Validates values against the schemas of an OpenAPI 3.1 document (JSON Schema 2020-12),
 * each named by a JSON Pointer into the document (`#/components/schemas/Product`), with
 * every `$ref` resolved against the document itself. Returns the errors, none when valid.
 */
export function documentSchemas(document: object): SchemaCheck {
  // strict: false, because OpenAPI adds keywords of its own (example, discriminator, x-*).
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  return (pointer, value) => {
    const validate = ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
    if (!validate) throw new Error(`No schema at ${pointer}`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${error.instancePath || "(root)"} ${error.message} ${JSON.stringify(error.params)}`,
    );
  };
}

/** `a/b~c` as one segment of a JSON Pointer. */
export const pointerSegment = (segment: string) =>
  segment.replaceAll("~", "~0").replaceAll("/", "~1");
