import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDatabase, type Database } from "../db/client";
import { asD1, type D1Usage, RequestSession } from "../db/request-session";
import type { AppEnv } from "../lib/app-env";

declare module "hono" {
  interface ContextVariableMap {
    /** Drizzle over this request's D1 session (`d1`). */
    db: Database;
    /** This request's D1 session: where `db` runs, whose bookmark the answer carries. */
    d1: RequestSession;
    /**
     * Drizzle over D1's primary (`primaryD1`), for checks that must see the latest write
     * whatever the request's own session may read from (who the caller is and what they
     * may do). An authenticated request moves `db` and `d1` here (src/auth/middleware.ts).
     */
    primaryDb: Database;
    primaryD1: RequestSession;
    /** What this request has spent on D1 so far, its own sessions and `onBehalf` requests. */
    d1Usage: D1Usage;
    /** The latest bookmark of the requests made on this one's behalf (`onBehalf`). */
    onBehalfBookmark?: string;
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
  const counter: D1Usage = { roundTrips: 0, ms: 0 };
  const d1 = new RequestSession(c.env.DB.withSession(start), counter);
  // A write's session already starts at the primary; a read opens a second one there,
  // lazily: it costs nothing until a query runs.
  const primaryD1 =
    start === "first-primary"
      ? d1
      : new RequestSession(c.env.DB.withSession("first-primary"), counter);
  c.set("d1", d1);
  c.set("db", createDatabase(asD1(d1)));
  c.set("primaryD1", primaryD1);
  c.set("primaryDb", primaryD1 === d1 ? c.var.db : createDatabase(asD1(primaryD1)));
  c.set("d1Usage", counter);
  await next();
  c.set("d1RoundTrips", counter.roundTrips);
  // Any client can see what D1 cost a request, in production too (docs/performance.md).
  c.header("Server-Timing", serverTiming(counter));
  // Requests made on this one's behalf ran after anything its own session did.
  const bookmark = c.var.onBehalfBookmark ?? c.var.d1.getBookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});

const serverTiming = ({ roundTrips, ms }: D1Usage) =>
  `d1;desc="${roundTrips} round trips";dur=${ms.toFixed(1)}`;

const SERVER_TIMING_D1 = /(?:^|,)\s*d1;desc="(\d+) round trips";dur=(\d+(?:\.\d+)?)/;

/**
 * Accounts for a request this one made through the app on its behalf (an operation of
 * `POST /batch`): what that request spent on D1, read from its answer's Server-Timing, is
 * added to this one's, and its bookmark, later than anything this request's own session
 * saw, becomes this answer's.
 */
export function onBehalf(c: Context<AppEnv>, answer: Response) {
  const spent = SERVER_TIMING_D1.exec(answer.headers.get("Server-Timing") ?? "");
  if (spent) {
    c.var.d1Usage.roundTrips += Number(spent[1]);
    c.var.d1Usage.ms += Number(spent[2]);
  }
  const bookmark = answer.headers.get(BOOKMARK_HEADER);
  if (bookmark) c.set("onBehalfBookmark", bookmark);
}
