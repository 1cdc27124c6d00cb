import { publicRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import * as Status from "../../lib/http-status";
import { jsonContent } from "../../lib/openapi";
import { HealthSchema, ReadinessSchema } from "./health.schemas";

export const liveness = publicRoute(
  {
    method: "get",
    path: "/health",
    operationId: "checkLiveness",
    tags: ["Health"],
    summary: DOCS ? "Liveness: the Worker runs" : "",
    description: DOCS
      ? "Public. Touches no storage, so it answers even when D1 or KV are down."
      : "",
    responses: {
      [Status.OK]: {
        description: DOCS ? "The Worker is up" : "",
        content: jsonContent(HealthSchema),
      },
    },
  },
  { storage: false },
);

export const readiness = publicRoute(
  {
    method: "get",
    path: "/health/ready",
    operationId: "checkReadiness",
    tags: ["Health"],
    summary: DOCS ? "Readiness: D1 and KV answer" : "",
    description: DOCS ? "Public. 503 problem naming the dependency that did not answer." : "",
    responses: {
      [Status.OK]: {
        description: DOCS ? "D1 and KV answered" : "",
        content: jsonContent(ReadinessSchema),
      },
    },
  },
  { storage: true },
);
