import { protectedRoute } from "../../auth/route";
import { IfNoneMatchHeaderSchema } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { contentEtagHeader, jsonContent } from "../../lib/openapi";
import { StatsOverviewSchema } from "./overview.schemas";

const tags = ["Stats"];
const ROLES = ["admin", "analyst"] as const;

const cacheControlHeader = {
  "Cache-Control": {
    description:
      "`private, no-cache`: a browser may keep it, never a shared cache, and revalidates it " +
      "with If-None-Match (304) before each use.",
    schema: { type: "string" as const },
  },
};

export const overview = protectedRoute(ROLES, {
  method: "get",
  path: "/stats/overview",
  operationId: "getStatsOverview",
  tags,
  summary: "The management overview: users, catalogue, establishments, coverage, activity",
  description:
    "Served from the latest snapshot (`generatedAt`), which the Worker's cron refreshes every " +
    "10 minutes: one D1 round trip reading one row, whatever the size of the data. A snapshot " +
    "older than 30 minutes (or none yet) is recomputed first. Days of `activity` are Bogotá " +
    "days (UTC−5). For full lists use the CSV exports.",
  request: { headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: "The overview",
      headers: { ...contentEtagHeader, ...cacheControlHeader },
      content: jsonContent(StatsOverviewSchema),
    },
  },
});

export const refreshOverview = protectedRoute(ROLES, {
  method: "post",
  path: "/stats/overview/refresh",
  operationId: "refreshStatsOverview",
  tags,
  summary: "Recompute the overview now",
  description:
    "Computes the figures from the live tables (one batch of selects: at the national scale " +
    "about a second of D1 time) and stores them as the new snapshot. No body.",
  responses: {
    [Status.OK]: {
      description: "The new overview",
      headers: contentEtagHeader,
      content: jsonContent(StatsOverviewSchema),
    },
  },
});
