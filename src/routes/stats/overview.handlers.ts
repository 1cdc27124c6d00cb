import { latestOverview, refreshOverview as storeOverview } from "../../db/stats";
import { now } from "../../lib/clock";
import { notModified, weakEtagOf } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import type { AppRouteHandler } from "../../lib/types";
import type * as routes from "./overview.routes";

/**
 * A snapshot older than this is recomputed before it is served: the cron (every 10
 * minutes) keeps it younger, so this only happens when the cron has not run (a fresh
 * deployment, `wrangler dev`).
 */
const MAX_AGE_MS = 30 * 60_000;

/** The stored JSON text, sent as it is: no parse, and the ETag hashes the exact bytes. */
async function send(c: Parameters<AppRouteHandler<typeof routes.overview>>[0], body: string) {
  if (notModified(c, await weakEtagOf(body))) return c.body(null, Status.NOT_MODIFIED);
  c.header("Content-Type", "application/json");
  return c.body(body, Status.OK);
}

export const overview: AppRouteHandler<typeof routes.overview> = async (c) => {
  c.header("Cache-Control", "private, no-cache");
  const at = now();
  const latest = await latestOverview(c.var.db);
  const fresh = latest !== undefined && at.getTime() - Date.parse(latest.generatedAt) <= MAX_AGE_MS;
  return send(c, fresh ? latest.body : (await storeOverview(c.var.db, at)).body);
};

/**
 * A refresh asked for within a minute of the last snapshot gets that snapshot: at national
 * scale a computation holds D1's primary for seconds, and a button pressed repeatedly must
 * not queue them.
 */
const MIN_REFRESH_INTERVAL_MS = 60_000;

export const refreshOverview: AppRouteHandler<typeof routes.refreshOverview> = async (c) => {
  const at = now();
  const latest = await latestOverview(c.var.primaryDb);
  const recent =
    latest !== undefined && at.getTime() - Date.parse(latest.generatedAt) < MIN_REFRESH_INTERVAL_MS;
  const { body } = recent ? latest : await storeOverview(c.var.primaryDb, at);
  c.header("ETag", await weakEtagOf(body));
  c.header("Content-Type", "application/json");
  return c.body(body, Status.OK);
};
