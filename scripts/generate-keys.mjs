// `npm run keys:generate`: prints a new ES256 key pair for JWT_PRIVATE_KEY and a new
// IDEMPOTENCY_HMAC_KEY. Nothing is written to disk. To rotate the signing key: add the old
// public JWK to JWT_PUBLIC_KEYS, then `npx wrangler secret put JWT_PRIVATE_KEY` with the
// new private JWK.
import { generateHmacKey, generateSigningKey } from "./keys.mjs";

const { privateJwk, publicJwk } = await generateSigningKey();
console.log("# JWT_PRIVATE_KEY (secret: npx wrangler secret put JWT_PRIVATE_KEY)");
console.log(JSON.stringify(privateJwk));
console.log(
  "\n# Public JWK (published at /.well-known/jwks.json; keep in JWT_PUBLIC_KEYS after rotating)",
);
console.log(JSON.stringify(publicJwk));
console.log("\n# IDEMPOTENCY_HMAC_KEY (secret: npx wrangler secret put IDEMPOTENCY_HMAC_KEY)");
console.log(generateHmacKey());
