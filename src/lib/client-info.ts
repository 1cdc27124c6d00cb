import type { Context } from "hono";

/** The caller's IP as Cloudflare saw it (absent only outside Cloudflare's edge). */
export const clientIp = (c: Context): string | null => c.req.header("CF-Connecting-IP") ?? null;

/** The caller's user agent, cut to 200 characters (it lands in audit rows and sessions). */
export const clientUserAgent = (c: Context): string | null =>
  c.req.header("User-Agent")?.slice(0, 200) ?? null;

export const clientInfo = (c: Context) => ({ ip: clientIp(c), userAgent: clientUserAgent(c) });

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two more groups.
  const v4 = IPV4.exec(text.slice(text.lastIndexOf(":") + 1));
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, text.lastIndexOf(":") + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * The network a client address stands for, as sign-in limits count it: an IPv4 address
 * as it is (one address is often a whole carrier NAT), an IPv6 address by its /64 — the
 * prefix one subscriber gets, so rotating the last 64 bits buys no new buckets. An
 * IPv4-mapped IPv6 address counts as its IPv4 address. Anything unparseable is one
 * shared "unknown" network.
 */
export function clientNetwork(ip: string | null): string {
  if (ip === null) return "unknown";
  if (IPV4.test(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return "unknown";
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
