import { z } from "@hono/zod-openapi";

const JwkSchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .openapi("Jwk");

export const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi("Jwks");
