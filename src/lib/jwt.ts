/**
 * Compact JWS (RFC 7515) with ES256 over WebCrypto, and the JWT claim checks of RFC 7519 and
 * RFC 8725 that the API relies on — all it needs of a JWT library, in the runtime's own
 * crypto. WebCrypto's ECDSA signature is already the raw r‖s that JWS uses.
 * The tests check these tokens against an independent implementation (jose).
 */
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const ES256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export const base64url = {
  encode(input: Uint8Array | string): string {
    const bytes = typeof input === "string" ? utf8.encode(input) : input;
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  },
  /** Throws on anything but unpadded base64url. */
  decode(input: string): Uint8Array {
    if (!/^[A-Za-z0-9_-]*$/.test(input) || input.length % 4 === 1) {
      throw new TypeError("not base64url");
    }
    const binary = atob(input.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  },
};

type JsonObject = Record<string, unknown>;

function jsonObject(part: string): JsonObject {
  const value: unknown = JSON.parse(fromUtf8.decode(base64url.decode(part)));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("not a JSON object");
  }
  return value as JsonObject;
}

/** The protected header of a compact JWS, unverified (to route a token, never to trust it). */
export function decodeProtectedHeader(token: string): JsonObject {
  return jsonObject(token.split(".")[0] ?? "");
}

/** An EC P-256 key from its JWK: the private key to sign, or a public key to verify. */
export function importEcKey(
  jwk: { kty?: string; crv?: string; x?: string; y?: string; d?: string },
  use: "sign" | "verify",
): Promise<CryptoKey> {
  const { kty = "", crv, x, y, d } = jwk;
  const only: JsonWebKey = use === "sign" ? { kty, crv, x, y, d } : { kty, crv, x, y };
  return crypto.subtle.importKey("jwk", only, ES256, false, [use]);
}

/** Signs `payload` as a compact JWS with ES256 under `header` (`alg` is added). */
export async function signJwt(header: JsonObject, payload: JsonObject, key: CryptoKey) {
  const input = `${base64url.encode(JSON.stringify({ alg: "ES256", ...header }))}.${base64url.encode(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(ES256, key, utf8.encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

export interface VerifyOptions {
  /** The `typ` header the token must carry, exactly. */
  typ: string;
  /** The key for a `kid`, or undefined when it is not one of ours. */
  keyFor: (kid: string) => CryptoKey | undefined;
  issuer: string;
  audience: string;
  /** Seconds of leeway for `exp` and `nbf` (clocks that disagree). */
  clockTolerance: number;
  /** Claims that must be present, besides `exp`. */
  requiredClaims: readonly string[];
  /** Seconds since the epoch; defaults to now. */
  now?: number;
}

const isNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

/**
 * Verifies a compact JWS and its claims; throws when anything is off: not three parts, a
 * header that is not `alg: ES256` with the expected `typ` and a known `kid`, any `crit`
 * extension (none is understood), a bad signature, a payload that is not an object, a
 * missing required claim, another issuer or audience, expired (`exp`, required), not yet
 * valid (`nbf`), or time claims that are not numbers.
 */
export async function verifyJwt(token: string, options: VerifyOptions): Promise<JsonObject> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("not a compact JWS");
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = jsonObject(encodedHeader);
  if (header.alg !== "ES256") throw new Error("unexpected alg");
  if (header.typ !== options.typ) throw new Error("unexpected typ");
  if (header.crit !== undefined) throw new Error("unsupported crit");
  const key = typeof header.kid === "string" ? options.keyFor(header.kid) : undefined;
  if (!key) throw new Error("unknown kid");
  const signature = base64url.decode(encodedSignature);
  const signed = utf8.encode(`${encodedHeader}.${encodedPayload}`);
  if (signature.length !== 64 || !(await crypto.subtle.verify(ES256, key, signature, signed))) {
    throw new Error("bad signature");
  }
  const payload = jsonObject(encodedPayload);
  for (const claim of ["exp", ...options.requiredClaims]) {
    if (payload[claim] === undefined) throw new Error(`missing ${claim}`);
  }
  if (payload.iss !== options.issuer) throw new Error("unexpected iss");
  const { aud } = payload;
  if (!(aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience)))) {
    throw new Error("unexpected aud");
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const { exp, nbf, iat } = payload;
  if (!isNumber(exp) || exp <= now - options.clockTolerance) throw new Error("expired");
  if (nbf !== undefined && (!isNumber(nbf) || nbf > now + options.clockTolerance)) {
    throw new Error("not yet valid");
  }
  if (iat !== undefined && !isNumber(iat)) throw new Error("bad iat");
  return payload;
}
