import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "./problem";

/**
 * ETags are the resource's integer `version`: `"3"`. Clients send it back in If-Match to
 * make a write conditional, and in If-None-Match to skip an unchanged download.
 */
export const etagFor = (version: number) => `"${version}"`;

const ENTITY_TAG = /^(W\/)?"(\d{1,15})"$/;

/** The versions listed in an If-Match / If-None-Match header, or `"*"`. */
function parseEntityTags(header: string, name: string): "*" | number[] {
  const value = header.trim();
  if (value === "*") return "*";
  const versions: number[] = [];
  for (const tag of value.split(",")) {
    const match = ENTITY_TAG.exec(tag.trim());
    if (!match) {
      throw new ApiError("validation-error", {
        detail: `${name} must be "*" or a list of ETags such as "3"`,
        errors: [{ path: `header.${name.toLowerCase()}`, message: 'Expected an ETag like "3"' }],
      });
    }
    versions.push(Number(match[2]));
  }
  return versions;
}

/**
 * Enforces If-Match on a write: absent → the write goes through (last writer wins);
 * present and not the current version → 412 carrying `currentVersion`.
 */
export function assertIfMatch(c: Context, currentVersion: number): void {
  const header = c.req.header("If-Match");
  if (header === undefined) return;
  const tags = parseEntityTags(header, "If-Match");
  if (tags === "*" || tags.includes(currentVersion)) return;
  throw new ApiError("precondition-failed", {
    detail: `The resource is at version ${currentVersion}; re-read it and retry.`,
    extensions: { currentVersion },
    headers: { ETag: etagFor(currentVersion) },
  });
}

/** True when the client's If-None-Match already names this version (→ 304). */
export function isNotModified(c: Context, version: number): boolean {
  const header = c.req.header("If-None-Match");
  if (header === undefined) return false;
  const tags = parseEntityTags(header, "If-None-Match");
  return tags === "*" || tags.includes(version);
}

/** Documents the If-Match request header of a conditional write. */
export const IfMatchHeaderSchema = z.object({
  "if-match": z.string().optional().openapi({
    description: 'Write only if the resource is still at this version ("<n>"); else 412.',
  }),
});

/** Documents the If-None-Match request header of a cacheable read. */
export const IfNoneMatchHeaderSchema = z.object({
  "if-none-match": z.string().optional().openapi({
    description: "The ETag you hold; 304 with no body when it is still current.",
  }),
});
