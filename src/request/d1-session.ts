import { createMiddleware } from "hono/factory";
import { createDatabase, type Database } from "../db/client";
import { countRoundTrips } from "../db/round-trips";
import type { AppEnv } from "../lib/app-env";

declare module "hono" {
  interface ContextVariableMap {
    /** Drizzle over this request's D1 session. */
    db: Database;
    /**
     * Drizzle over D1's primary, for checks that must see the latest write whatever the
     * request's own session may read from (who the caller is and what they may do).
     */
    primaryDb: Database;
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
  const start = sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER));
  const session = c.env.DB.withSession(start);
  const counter = { roundTrips: 0 };
  const db = createDatabase(countRoundTrips(session, counter));
  c.set("db", db);
  // A write's session already starts at the primary; a read opens a second one there,
  // lazily: it costs nothing until a query runs.
  c.set(
    "primaryDb",
    start === "first-primary"
      ? db
      : createDatabase(countRoundTrips(c.env.DB.withSession("first-primary"), counter)),
  );
  await next();
  c.set("d1RoundTrips", counter.roundTrips);
  c.header("Server-Timing", `d1;desc="${counter.roundTrips} round trips"`);
  const bookmark = session.getBookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});
