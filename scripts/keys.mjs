// ES256 key pairs for access tokens, as JWKs with a kid.
import { webcrypto } from "node:crypto";

export async function generateSigningKey() {
  const { privateKey, publicKey } = await webcrypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign", "verify"],
  );
  const kid = `es256-${new Date().toISOString().slice(0, 10)}-${webcrypto.randomUUID().slice(0, 8)}`;
  const meta = { kid, alg: "ES256", use: "sig" };
  return {
    privateJwk: { ...(await webcrypto.subtle.exportKey("jwk", privateKey)), ...meta },
    publicJwk: { ...(await webcrypto.subtle.exportKey("jwk", publicKey)), ...meta },
  };
}

/** 32 random bytes, base64url: the IDEMPOTENCY_HMAC_KEY secret. */
export function generateHmacKey() {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}
