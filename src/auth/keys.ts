import { importEcKey } from "../lib/jwt";

type JWK = { kty?: string; crv?: string; x?: string; y?: string; d?: string; kid?: string };

/**
 * Signing keys come only from configuration: the private key is the secret
 * `JWT_PRIVATE_KEY` (an EC P-256 JWK with a `kid`); `JWT_PUBLIC_KEYS` (a JSON array of
 * public JWKs) lists earlier keys that still verify during a rotation. A token's own
 * `jku`/`jwk`/`x5u` headers are never consulted.
 */
export const JWT_ALGORITHM = "ES256";

export interface KeySet {
  kid: string;
  signingKey: CryptoKey;
  verificationKeys: ReadonlyMap<string, CryptoKey>;
  /** The public keys as published at /.well-known/jwks.json. */
  jwks: { keys: PublicJwk[] };
}

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: typeof JWT_ALGORITHM;
  use: "sig";
}

function publicPart(jwk: JWK, where: string): PublicJwk {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.x || !jwk.y || !jwk.kid) {
    throw new Error(`${where} must be an EC P-256 JWK with x, y and kid`);
  }
  return {
    kty: "EC",
    crv: "P-256",
    x: jwk.x,
    y: jwk.y,
    kid: jwk.kid,
    alg: JWT_ALGORITHM,
    use: "sig",
  };
}

async function importKeySet(privateKeyJson: string, publicKeysJson: string): Promise<KeySet> {
  const privateJwk = JSON.parse(privateKeyJson) as JWK;
  if (!privateJwk.d) throw new Error("JWT_PRIVATE_KEY must be a private JWK (with d)");
  const current = publicPart(privateJwk, "JWT_PRIVATE_KEY");
  const earlier = (JSON.parse(publicKeysJson || "[]") as JWK[]).map((jwk) =>
    publicPart(jwk, "JWT_PUBLIC_KEYS entry"),
  );
  const published = [current, ...earlier.filter((jwk) => jwk.kid !== current.kid)];
  const verificationKeys = new Map<string, CryptoKey>();
  for (const jwk of published) {
    verificationKeys.set(jwk.kid, await importEcKey(jwk, "verify"));
  }
  return {
    kid: current.kid,
    signingKey: await importEcKey(privateJwk, "sign"),
    verificationKeys,
    jwks: { keys: published },
  };
}

// Importing keys costs WebCrypto work: do it once per isolate (per configuration).
let cached: { source: string; keys: Promise<KeySet> } | undefined;

export function loadKeys(env: Pick<Env, "JWT_PRIVATE_KEY" | "JWT_PUBLIC_KEYS">): Promise<KeySet> {
  const source = `${env.JWT_PRIVATE_KEY}\n${env.JWT_PUBLIC_KEYS}`;
  if (cached?.source !== source) {
    cached = { source, keys: importKeySet(env.JWT_PRIVATE_KEY, env.JWT_PUBLIC_KEYS) };
    cached.keys.catch(() => {
      cached = undefined;
    });
  }
  return cached.keys;
}
