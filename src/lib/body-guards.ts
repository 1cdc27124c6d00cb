import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { ApiError } from "./problem";

export const MAX_BODY_BYTES = 1024 * 1024;

/** 413 for bodies over 1 MiB, by Content-Length or by counting a streamed body. */
export const limitBodySize = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("payload-too-large", {
      detail: `The request body exceeds ${MAX_BODY_BYTES} bytes`,
    });
  },
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
      throw new ApiError("unsupported-media-type", {
        detail: `Send the body as application/json (got ${mediaType === "" ? "no Content-Type" : JSON.stringify(mediaType.slice(0, 100))})`,
      });
    }
    if (!PLAIN_JSON_HEADER.test(header)) {
      const headers = new Headers(c.req.raw.headers);
      headers.set("Content-Type", "application/json");
      c.req.raw = new Request(c.req.raw, { headers });
    }
  }
  await next();
});
