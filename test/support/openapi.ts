import { OPENAPI_PATH } from "../../src/lib/openapi";
import { call } from "./http";

export interface DocumentedParameter {
  name: string;
  in: "path" | "query" | "header";
  schema?: { enum?: string[] };
}

export interface DocumentedOperation {
  method: string;
  path: string;
  operation: {
    parameters?: DocumentedParameter[];
    requestBody?: unknown;
    security?: unknown[];
    "x-roles"?: string[];
  };
}

/** Every operation of the served OpenAPI document, as method, path template and details. */
export async function documentedOperations(): Promise<DocumentedOperation[]> {
  const document = (await (await call(OPENAPI_PATH)).json()) as {
    paths: Record<string, Record<string, DocumentedOperation["operation"]>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}
