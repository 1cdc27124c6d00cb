import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../lib/app-env";
import { now } from "../lib/clock";
import { type Provenance, provenanceOf } from "../lib/provenance";

declare module "hono" {
  interface ContextVariableMap {
    /** Where an offline client says a change was made; lands in its audit rows. */
    provenance: Provenance;
  }
}

/** Reads the provenance headers once, before any handler: a malformed one is a 400. */
export const provenance = createMiddleware<AppEnv>(async (c, next) => {
  c.set("provenance", provenanceOf(c.req.raw.headers, now().getTime()));
  await next();
});
