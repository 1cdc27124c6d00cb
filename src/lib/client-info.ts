import type { Context } from "hono";

/** The caller's IP as Cloudflare saw it (absent only outside Cloudflare's edge). */
export const clientIp = (c: Context): string | null => c.req.header("CF-Connecting-IP") ?? null;

/** The caller's user agent, cut to 200 characters (it lands in audit rows and sessions). */
export const clientUserAgent = (c: Context): string | null =>
  c.req.header("User-Agent")?.slice(0, 200) ?? null;

export const clientInfo = (c: Context) => ({ ip: clientIp(c), userAgent: clientUserAgent(c) });
