import { z } from "@hono/zod-openapi";
import { createSchemaFactory } from "drizzle-zod";

/**
 * drizzle-zod bound to zod-openapi's `z`: a resource's response schema is derived from its
 * Drizzle table (the single source of truth) and still takes `.openapi()`.
 */
export const { createSelectSchema } = createSchemaFactory({ zodInstance: z });
