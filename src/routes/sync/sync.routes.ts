import { protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import { IfNoneMatchHeaderSchema } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { contentEtagHeader, jsonContent } from "../../lib/openapi";
import { problemResponses } from "../../lib/problem";
import { SyncPageSchema, SyncQuerySchema } from "./sync.schemas";

export const sync = protectedRoute(["admin", "seller"], {
  method: "get",
  path: "/sync",
  operationId: "sync",
  tags: ["Offline"],
  summary: DOCS ? "Changes since the last sync (the offline app's feed)" : "",
  description: DOCS
    ? [
        "What changed in the caller's scope since `cursor`: a seller's is the stores on their route, the portfolios those carry and those portfolios' items and products; an admin's is everything. Each entry is the entity's current state (`upsert`) or a tombstone (`delete`), also for what left the scope.",
        "Without a cursor: a full snapshot, paged. Follow `nextCursor` while `hasMore`; keep the last `nextCursor` for the next sync. One D1 round trip per page.",
        "Send the previous answer's ETag in If-None-Match: 304 when nothing changed. A cursor older than the change log's 30 days answers 410: sync again without a cursor.",
        "Protocol, a sequence diagram and a worked example: docs/offline.md.",
      ].join("\n\n")
    : "",
  request: { query: SyncQuerySchema, headers: IfNoneMatchHeaderSchema },
  responses: {
    [Status.OK]: {
      description: DOCS ? "A page of changes" : "",
      headers: contentEtagHeader,
      content: jsonContent(SyncPageSchema),
    },
    ...problemResponses(Status.GONE),
  },
});
