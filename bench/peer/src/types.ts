import type { Context } from "hono";

/** The one binding in wrangler.toml: the API's D1 database (a copy of it, in the bench). */
export type Env = { DB: D1Database };

export type AppContext = Context<{ Bindings: Env }>;
export type HandleArgs = [AppContext];
