import { z } from "@hono/zod-openapi";
import { version } from "../../../package.json";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "0.1.0" }),
  })
  .openapi("Health", { example: { status: "ok", version } });

export const ReadinessSchema = z
  .object({
    status: z.literal("ok"),
    checks: z.object({ d1: z.literal("ok"), kv: z.literal("ok") }),
  })
  .openapi("Readiness");
