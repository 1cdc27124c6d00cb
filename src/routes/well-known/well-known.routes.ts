import { publicRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import * as Status from "../../lib/http-status";
import { jsonContent } from "../../lib/openapi";
import { JwksSchema } from "./well-known.schemas";

export const jwks = publicRoute(
  {
    method: "get",
    path: "/.well-known/jwks.json",
    operationId: "getJwks",
    tags: ["Auth"],
    summary: DOCS ? "Public keys that verify access tokens" : "",
    description: DOCS
      ? "Public. The current key and any earlier ones still valid during a rotation."
      : "",
    responses: {
      [Status.OK]: {
        description: DOCS ? "JSON Web Key Set" : "",
        content: jsonContent(JwksSchema),
      },
    },
  },
  { storage: false },
);
