import { loadKeys } from "../../auth/keys";
import * as Status from "../../lib/http-status";
import type { AppRouteHandler } from "../../lib/types";
import type * as routes from "./well-known.routes";

export const jwks: AppRouteHandler<typeof routes.jwks> = async (c) => {
  const { jwks } = await loadKeys(c.env);
  // Verifiers may cache briefly; a rotation lists the new key before it signs anything.
  c.header("Cache-Control", "public, max-age=300");
  return c.json(jwks, Status.OK);
};
