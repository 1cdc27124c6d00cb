import { protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { IfNoneMatchHeaderSchema } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { contentEtagHeader, jsonContent } from "../../lib/openapi";
import { StatsOverviewSchema } from "./overview.schemas";

const tags = ["Stats"];
const ROLES = ["admin", "analyst"] as const;

const cacheControlHeader = {
  "Cache-Control": {
    description: DOCS ? "`private, no-cache`: revalidate with If-None-Match (304)" : "",
    schema: { type: "string" as const },
  },
};

export const overview = protectedRoute(ROLES, {
  method: "get",
  path: "/stats/overview",
  operationId: "getStatsOverview",
  tags,
  summary: DOCS ? "The management overview" : "",
  description: DOCS
    ? "The latest snapshot (refreshed every 10 minutes; recomputed first when none is younger " +
      "than 30): one D1 read of one row. Full lists: the CSV exports."
    : "",
  request: { headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: DOCS ? "The overview" : "",
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
  summary: DOCS ? "Recompute the overview now" : "",
  description: DOCS
    ? "Computes the figures (seconds of D1 time at national scale) and stores them."
    : "",
  responses: {
    [Status.OK]: {
      description: DOCS ? "The new overview" : "",
      headers: contentEtagHeader,
      content: jsonContent(StatsOverviewSchema),
    },
  },
});
