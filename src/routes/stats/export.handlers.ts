import { csvFileName, csvStream } from "../../lib/csv";
import * as Status from "../../lib/http-status";
import type { AppRouteHandler } from "../../lib/types";
import { describeError } from "../../request/error-log";
import { type AnyExportEntity, EXPORTS, type ExportName } from "./export.entities";
import type { ExportRoute } from "./export.routes";

/**
 * Rows per D1 query. A page binds its filters, the cursor and the limit, far under D1's
 * 100 bound parameters; 500 product rows are ~85 KB of CSV (test/export.test.ts), and one
 * page is all a download holds in memory.
 */
export const EXPORT_PAGE_SIZE = 500;

/** The download of one entry: the first page read now, the rest as the client reads. */
const exportHandler =
  (name: string, entity: AnyExportEntity): AppRouteHandler<ExportRoute> =>
  async (c) => {
    const { bom, ...filters } = c.req.valid("query");
    const page = (cursor?: string) => entity.page(c, filters, cursor, EXPORT_PAGE_SIZE);
    // Read before answering: this round trip carries the session guard
    // (src/db/request-session.ts), and a filter naming no place or an outage here is still
    // a problem response. Later pages run after the guard has passed: a session revoked
    // mid-download ends at the caller's next request.
    const first = await page();
    const body = csvStream({
      columns: entity.columns,
      first,
      next: page,
      bom: bom === "true",
      failed: (error, rowsSent) =>
        console.error(
          JSON.stringify({
            level: "error",
            message: "export cut off",
            requestId: c.get("requestId"),
            method: c.req.method,
            path: c.req.path,
            rowsSent,
            ...describeError(error),
          }),
        ),
    });
    return c.body(body, Status.OK, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFileName(name, new Date())}"`,
      "Cache-Control": "no-store",
    });
  };

export const exportHandlers = Object.fromEntries(
  Object.entries(EXPORTS).map(([name, entity]) => [name, exportHandler(name, entity)]),
) as Record<ExportName, AppRouteHandler<ExportRoute>>;
