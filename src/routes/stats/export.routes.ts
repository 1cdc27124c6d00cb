import { z } from "@hono/zod-openapi";
import { protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import * as Status from "../../lib/http-status";
import { attachmentHeader } from "../../lib/openapi";
import { type AnyExportEntity, EXPORTS, type ExportName } from "./export.entities";

const BomSchema = z
  .enum(["true", "false"])
  .optional()
  .openapi({
    description: DOCS ? "`true`: a UTF-8 byte order mark first, for Excel." : "",
  });

/** The format of every export, stated once: docs/api-contract.md says more. */
const CsvFileSchema = z.string().openapi("CsvFile", {
  description: DOCS
    ? "RFC 4180, UTF-8; a header row of the JSON field names; null is an empty cell. Text " +
      "starting with `=` `+` `-` `@` TAB CR or `'` gets a leading `'` (no formula runs). " +
      "docs/api-contract.md, CSV exports."
    : "",
  example: "id,sku,price\r\n0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90,BEB-COLA-350,2500\r\n",
});

/** `portfolio-items` → `PortfolioItems`. */
const pascal = (name: string) =>
  name.replace(/(?:^|-)(\w)/g, (_, letter: string) => letter.toUpperCase());

/** `GET /stats/export/<name>`: the entry's rows as a CSV download. */
function exportRoute(name: string, { roles, rows, filters, columns }: AnyExportEntity) {
  return protectedRoute(roles, {
    method: "get",
    path: `/stats/export/${name}`,
    operationId: `export${pascal(name)}`,
    tags: ["Stats"],
    summary: DOCS ? `Download the ${name.replace("-", " ")} as CSV` : "",
    description: DOCS
      ? `${rows}\n\n**Columns:** ${columns.map((column) => `\`${column}\``).join(", ")}.`
      : "",
    request: { query: filters.extend({ bom: BomSchema }) },
    responses: {
      [Status.OK]: {
        description: DOCS ? "The CSV file" : "",
        headers: attachmentHeader,
        content: { "text/csv": { schema: CsvFileSchema } },
      },
    },
  });
}
export type ExportRoute = ReturnType<typeof exportRoute>;

export const exportRoutes = Object.fromEntries(
  Object.entries(EXPORTS).map(([name, entity]) => [name, exportRoute(name, entity)]),
) as Record<ExportName, ExportRoute>;
