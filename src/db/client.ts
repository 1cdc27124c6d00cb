import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../lib/app-env";
import * as schema from "./schema";

export function createDatabase(d1: D1Database | D1DatabaseSession) {
  // Drizzle only calls prepare() and batch(), which a D1 session has with the same
  // signatures; its types just do not list sessions yet.
  return drizzle(d1 as D1Database, { schema });
}

export type Database = ReturnType<typeof createDatabase>;

declare module "hono" {
  interface ContextVariableMap {
    /** Drizzle over this request's D1 session. */
    db: Database;
    /** The raw D1 session, for the rare statement Drizzle cannot express. */
    d1: D1DatabaseSession;
  }
}

export const BOOKMARK_HEADER = "x-d1-bookmark";

// D1 bookmarks are hex groups joined by dashes (e.g. `0000000a-00000004-00005040-…`).
const BOOKMARK = /^[0-9a-f]{8}(-[0-9a-f]{8}){2,}(-[0-9a-f]{32,128})?$/;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session constraint for this request (D1 Sessions API, global read replicas). */
export function sessionStart(method: string, bookmark: string | undefined): string {
  // Writes go to the primary. Reads may be served by the nearest replica, but never one
  // older than the client's last bookmark, so a seller always reads their own writes.
  if (!SAFE_METHODS.has(method)) return "first-primary";
  return bookmark !== undefined && BOOKMARK.test(bookmark) ? bookmark : "first-unconstrained";
}

/** Opens one D1 session per request and returns its latest bookmark to the client. */
export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.env.DB.withSession(sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER)));
  c.set("d1", session);
  c.set("db", createDatabase(session));
  await next();
  const bookmark = session.getBookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});
