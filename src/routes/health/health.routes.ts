import { createRoute, z } from "@hono/zod-openapi";
import * as Status from "../../lib/http-status";
import { problemResponses } from "../../lib/problem";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "0.1.0" }),
  })
  .openapi("Health");

export const ReadinessSchema = z
  .object({
    status: z.literal("ok"),
    checks: z.object({ d1: z.literal("ok"), kv: z.literal("ok") }),
  })
  .openapi("Readiness");

export const liveness = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Liveness: the Worker runs",
  description: "Public. Touches no storage, so it answers even when D1 or KV are down.",
  responses: {
    [Status.OK]: {
      description: "The Worker is up",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});

export const readiness = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["Health"],
  summary: "Readiness: D1 and KV answer",
  description: "Public. 503 problem naming the dependency that did not answer.",
  responses: {
    [Status.OK]: {
      description: "D1 and KV answered",
      content: { "application/json": { schema: ReadinessSchema } },
    },
    ...problemResponses(Status.SERVICE_UNAVAILABLE),
  },
});

export type LivenessRoute = typeof liveness;
export type ReadinessRoute = typeof readiness;
