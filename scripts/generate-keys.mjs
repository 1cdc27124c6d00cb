// `npm run keys:generate`: prints a new ES256 key pair for JWT_PRIVATE_KEY and a new
// IDEMPOTENCY_HMAC_KEY. Nothing is written to disk. Rotating the signing key takes three
// steps (publish the new public key, then sign with it, then drop the old one): docs/deploy.md,
// step 12.
import { generateHmacKey, generateSigningKey } from "./keys.mjs";

const { privateJwk, publicJwk } = await generateSigningKey();
console.log("# JWT_PRIVATE_KEY (secret: npx wrangler secret put JWT_PRIVATE_KEY)");
console.log(JSON.stringify(privateJwk));
console.log(
  "\n# Public JWK (published at /.well-known/jwks.json; in JWT_PUBLIC_KEYS while rotating)",
);
console.log(JSON.stringify(publicJwk));
console.log("\n# IDEMPOTENCY_HMAC_KEY (secret: npx wrangler secret put IDEMPOTENCY_HMAC_KEY)");
console.log(generateHmacKey());
