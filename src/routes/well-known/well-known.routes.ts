import { createRoute, z } from "@hono/zod-openapi";
import * as Status from "../../lib/http-status";
import { jsonContent } from "../../lib/openapi";

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

export const jwks = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Auth"],
  summary: "Public keys that verify access tokens",
  description: "Public. The current key and any earlier ones still valid during a rotation.",
  responses: { [Status.OK]: { description: "JSON Web Key Set", content: jsonContent(JwksSchema) } },
});
