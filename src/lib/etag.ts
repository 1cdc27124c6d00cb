import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DOCS } from "./docs";
import { sha256Hex } from "./encoding";
import { ApiError } from "./problem";

/**
 * ETags are the resource's integer `version`: `"3"`. Clients send it back in If-Match to
 * make a write conditional, and in If-None-Match to skip an unchanged download.
 */
export const etagFor = (version: number) => `"${version}"`;

/** A resource's `version` as the document states it. */
export const resourceVersion = () =>
  z
    .number()
    .int()
    .min(1)
    .openapi({
      description: DOCS
        ? "1 when created, +1 on every change; the ETag is this number, quoted."
        : "",
      example: 3,
    });

const ENTITY_TAG = /^(W\/)?"(\d{1,15})"$/;

/**
 * The versions an If-Match header accepts, or `"*"`. If-Match compares strongly
 * (RFC 9110 §13.1.1): a weak tag is valid syntax but never matches.
 */
function parseIfMatch(header: string): "*" | number[] {
  const value = header.trim();
  if (value === "*") return "*";
  const versions: number[] = [];
  for (const tag of value.split(",")) {
    const match = ENTITY_TAG.exec(tag.trim());
    if (!match) {
      throw new ApiError("validation-error", {
        detail: {
          en: 'If-Match must be "*" or a list of ETags such as "3"',
          es: 'If-Match debe ser "*" o una lista de ETags como "3"',
        },
        errors: [
          {
            path: "header.if-match",
            message: {
              en: 'if-match must be an ETag like "3"',
              es: 'if-match debe ser un ETag como "3"',
            },
          },
        ],
      });
    }
    if (match[1] === undefined) versions.push(Number(match[2]));
  }
  return versions;
}

/**
 * The versions a write may apply to by its If-Match header, for its WHERE clause; undefined
 * when any will do (no header, or `*`). A malformed header is a 400 before anything runs.
 */
export function ifMatchVersions(c: Context): number[] | undefined {
  const header = c.req.header("If-Match");
  if (header === undefined) return undefined;
  const tags = parseIfMatch(header);
  return tags === "*" ? undefined : tags;
}

/**
 * Enforces If-Match on a write: absent → the write goes through (last writer wins);
 * present and not the current version → 412 carrying `currentVersion`.
 */
export function assertIfMatch(c: Context, currentVersion: number): void {
  const header = c.req.header("If-Match");
  if (header === undefined) return;
  const tags = parseIfMatch(header);
  if (tags === "*" || tags.includes(currentVersion)) return;
  throw new ApiError("precondition-failed", {
    detail: {
      en: `The resource is at version ${currentVersion}; re-read it and retry.`,
      es: `El recurso va en la versión ${currentVersion}; léalo de nuevo y reintente.`,
    },
    extensions: { currentVersion },
    headers: { ETag: etagFor(currentVersion) },
  });
}

const ANY_ENTITY_TAG = /^(?:W\/)?("[\x21\x23-\x7e]*")$/;

/**
 * True when the client's If-None-Match already names this ETag (→ 304). Comparison is
 * weak, as RFC 9110 §13.1.2 asks: `W/"3"` matches `"3"`.
 */
function matchesIfNoneMatch(c: Context, etag: string): boolean {
  const header = c.req.header("If-None-Match");
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  const current = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => ANY_ENTITY_TAG.exec(tag.trim())?.[1] === current);
}

/**
 * A conditional read: sets the ETag, and is true when the client's copy is current, i.e.
 * the handler answers 304 with no body.
 */
export function notModified(c: Context, etag: string): boolean {
  c.header("ETag", etag);
  return matchesIfNoneMatch(c, etag);
}

/** A weak ETag over the exact bytes of an answer built from several rows. */
export const weakEtagOf = async (text: string) => `W/"${(await sha256Hex(text)).slice(0, 32)}"`;

/** Documents the If-Match request header of a conditional write. */
export const IfMatchHeaderSchema = z.object({
  "if-match": z
    .string()
    .optional()
    .openapi({
      description: DOCS
        ? 'Write only if the resource is still at this version, an ETag such as `"3"` (or `*`); ' +
          "else 412. Without it the write goes through (last writer wins)."
        : "",
    }),
});

/** Documents the If-None-Match request header of a cacheable read. */
export const IfNoneMatchHeaderSchema = z.object({
  "if-none-match": z
    .string()
    .optional()
    .openapi({
      description: DOCS
        ? 'The ETag you hold (such as `"3"`); 304 with no body when it is still current.'
        : "",
    }),
});

/**
 * Documents the If-None-Match request header of a PUT that may create: only `*`, "create
 * only" (RFC 9110 §13.1.2), is taken; any other value is a 400.
 */
export const IfNoneMatchAnyHeaderSchema = z.object({
  "if-none-match": z
    .literal("*")
    .optional()
    .openapi({
      description: DOCS
        ? "`*`: create only. When the id already holds the resource → 412 with " +
          "`currentVersion`, and nothing is written. No other value is taken here."
        : "",
    }),
});

/** The write may only create: `If-None-Match: *` (its schema takes no other value). */
export const createOnly = (c: Context) => c.req.header("If-None-Match") !== undefined;

/** 412 for a create-only write (`If-None-Match: *`) that found the resource there. */
export function alreadyExists(currentVersion: number): ApiError {
  return new ApiError("precondition-failed", {
    detail: {
      en: `The resource already exists, at version ${currentVersion}; send If-Match to replace it.`,
      es: `El recurso ya existe, en la versión ${currentVersion}; envíe If-Match para reemplazarlo.`,
    },
    extensions: { currentVersion },
    headers: { ETag: etagFor(currentVersion) },
  });
}

/** 412 for If-Match on a resource that does not exist: there is no version to match. */
export function nothingToMatch(): ApiError {
  return new ApiError("precondition-failed", {
    detail: {
      en: "If-Match names a version, but the resource does not exist; send no If-Match to create it.",
      es: "If-Match indica una versión, pero el recurso no existe; envíe la solicitud sin If-Match para crearlo.",
    },
  });
}

/**
 * The write's WHERE guard for If-Match: with the header, the UPDATE only applies while the
 * row is still at the version that was checked (closing the read→write race); without
 * it, the write goes through (last writer wins).
 */
export function ifMatchGuard<T>(c: Context, guard: () => T): T | undefined {
  return c.req.header("If-Match") === undefined ? undefined : guard();
}

/** 412 for a conditional write that lost a race after its If-Match check passed. */
export function lostRace(currentVersion: number): ApiError {
  return new ApiError("precondition-failed", {
    detail: {
      en: "The resource changed while this write was applied; re-read it and retry.",
      es: "El recurso cambió mientras se aplicaba este cambio; léalo de nuevo y reintente.",
    },
    extensions: { currentVersion },
  });
}
