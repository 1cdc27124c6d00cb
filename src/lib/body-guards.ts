import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import * as Status from "./http-status";
import { ApiError } from "./problem";

export const MAX_BODY_BYTES = 1024 * 1024;

/** What these guards answer to a request with a body: every such route documents both. */
export const BODY_GUARD_STATUSES = [
  Status.PAYLOAD_TOO_LARGE, // limitBodySize
  Status.UNSUPPORTED_MEDIA_TYPE, // requireJsonBody
] as const;

const tooLarge = () =>
  new ApiError("payload-too-large", {
    detail: {
      en: `The request body exceeds ${MAX_BODY_BYTES} bytes`,
      es: `El cuerpo de la solicitud supera ${MAX_BODY_BYTES} bytes`,
    },
  });

/**
 * Reads a body to its end and drops it. A request answered with its body half-read breaks
 * the next request under `wrangler dev` (503 "Your worker restarted mid-request"): its
 * proxy reuses the connection the upload is still on (workerd#1741). `cancel()` does not
 * help, and wrangler's own dev-only drain skips a body that was already read from.
 */
export async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  while (!(await reader.read()).done) {}
}

/**
 * A streamed body, counted up to the limit. Over it, the rest is discarded before the 413
 * (the platform's upload cap bounds that read); hono/body-limit stops mid-stream instead.
 */
async function readWithinLimit(body: ReadableStream<Uint8Array>): Promise<Blob> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await discard(reader);
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return new Blob(chunks);
}

/**
 * 413 for bodies over 1 MiB, by Content-Length (nothing read) or by counting a streamed
 * body, which is then passed on as the bytes read.
 */
export const limitBodySize = createMiddleware<AppEnv>(async (c, next) => {
  const { body, headers } = c.req.raw;
  if (body === null) return next();
  const length = headers.get("Content-Length");
  if (length !== null && !headers.has("Transfer-Encoding")) {
    if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
    return next();
  }
  c.req.raw = new Request(c.req.raw, { body: await readWithinLimit(body) });
  await next();
});

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
/** The spellings the validator reads as they are; only others are rewritten. */
const PLAIN_JSON_HEADER = /^application\/([a-z.-]+\+)?json(; ?charset=utf-8)?$/;

function hasBody(request: Request): boolean {
  if (request.body === null) return false;
  const length = request.headers.get("Content-Length");
  return length === null || Number(length) > 0;
}

/**
 * 415 when a body is sent as anything but JSON (the API reads nothing else). A JSON body
 * is passed on as plain `application/json`, so every valid spelling of the header
 * (`application/json ; charset=utf-8`, `Application/JSON;`) is read the same way.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (hasBody(c.req.raw)) {
    const header = c.req.header("Content-Type") ?? "";
    const mediaType = header.split(";")[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      const got = mediaType === "" ? undefined : JSON.stringify(mediaType.slice(0, 100));
      throw new ApiError("unsupported-media-type", {
        detail: {
          en: `Send the body as application/json (got ${got ?? "no Content-Type"})`,
          es: `Envíe el cuerpo como application/json (llegó ${got ?? "sin Content-Type"})`,
        },
      });
    }
    if (!PLAIN_JSON_HEADER.test(header)) {
      const headers = new Headers(c.req.raw.headers);
      headers.set("Content-Type", "application/json");
      const copy = new Request(c.req.raw, { headers });
      c.req.raw = copy;
      await next();
      // The copy took the body, so wrangler's dev drain sees it as read: finish it here when
      // the answer came without reading it (a 401). At most 1 MiB, limitBodySize ran first.
      if (copy.body !== null && !copy.bodyUsed) await discard(copy.body.getReader());
      return;
    }
  }
  await next();
});

/**
 * For routes that read their own body (an import's upload): a body the answer left unread
 * (401, 403, 415 before the handler read it) is read to its end and dropped, as
 * requireJsonBody does for JSON.
 */
export const drainUnreadBody = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const body = c.req.raw.body;
  if (body !== null && !body.locked && !c.req.raw.bodyUsed) await discard(body.getReader());
});
