import { publicRoute } from "../../auth/route";
import * as Status from "../../lib/http-status";
import { jsonContent } from "../../lib/openapi";
import { HealthSchema, ReadinessSchema } from "./health.schemas";

export const liveness = publicRoute(
  {
    method: "get",
    path: "/health",
    operationId: "checkLiveness",
    tags: ["Health"],
    summary: "Liveness: the Worker runs",
    description: "Public. Touches no storage, so it answers even when D1 or KV are down.",
    responses: {
      [Status.OK]: {
        description: "The Worker is up",
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
    summary: "Readiness: D1 and KV answer",
    description: "Public. 503 problem naming the dependency that did not answer.",
    responses: {
      [Status.OK]: {
        description: "D1 and KV answered",
        content: jsonContent(ReadinessSchema),
      },
    },
  },
  { storage: true },
);
