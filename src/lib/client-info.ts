import type { Context } from "hono";

/** The caller's IP as Cloudflare saw it (absent only outside Cloudflare's edge). */
export const clientIp = (c: Context): string | null => c.req.header("CF-Connecting-IP") ?? null;

export const clientUserAgent = (c: Context): string | null =>
  c.req.header("User-Agent")?.slice(0, 200) ?? null;
