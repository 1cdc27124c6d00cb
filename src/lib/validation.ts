import type { z } from "@hono/zod-openapi";
import type { FieldError } from "./problem";

type Target = "json" | "query" | "param" | "header" | "form" | "cookie";

const escapePointer = (segment: PropertyKey) =>
  String(segment).replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Where an error points: a JSON Pointer into the body (RFC 6901), or `query.limit`,
 * `path.id`, `header.if-match` for parameters.
 */
export function fieldPath(target: Target, path: readonly PropertyKey[]): string {
  if (target === "json" || target === "form") return `/${path.map(escapePointer).join("/")}`;
  const prefix = target === "param" ? "path" : target;
  return [prefix, ...path.map(String)].join(".");
}

export function fieldErrors(target: Target, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: fieldPath(target, [...issue.path, key]),
          message: "Unknown field",
        }))
      : [{ path: fieldPath(target, issue.path), message: issue.message }],
  );
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.length === 1 ? "1 field is invalid" : `${errors.length} fields are invalid`;
}
