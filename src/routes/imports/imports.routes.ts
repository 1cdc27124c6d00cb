import { z } from "@hono/zod-openapi";
import { protectedRoute } from "../../auth/route";
import { DOCS } from "../../lib/docs";
import * as Status from "../../lib/http-status";
import { jsonContent, locationHeader } from "../../lib/openapi";
import { problemResponses } from "../../lib/problem";
import { IMPORT_CHUNK_ROWS, IMPORT_SYNC_ROWS } from "../../request/import-run";
import {
  ImportEntityParamSchema,
  ImportIdParamSchema,
  ImportListQuerySchema,
  ImportPageSchema,
  ImportQuerySchema,
  ImportResultSchema,
  ImportRowPageSchema,
  ImportRowsQuerySchema,
  ImportSchema,
} from "./imports.schemas";

/** Who reads imports: the admins who load files, and support answering for them. */
const READERS = ["admin", "support"] as const;

const file = z.string().openapi("ImportFile", {
  format: "binary",
  description: DOCS
    ? "The file itself: CSV (a header row of field names, then one row per record) or NDJSON (one JSON object per line)."
    : "",
});

export const create = protectedRoute(["admin"], {
  method: "post",
  path: "/imports/{entity}",
  operationId: "createImport",
  tags: ["Imports"],
  summary: DOCS ? "Load a CSV or NDJSON file of products, stores, items, routes or users" : "",
  description: DOCS
    ? [
        "The body is the file: `text/csv` (RFC 4180, UTF-8 with or without a byte order mark, `,` or `;` between cells as Excel writes them in Colombia) or `application/x-ndjson` (one JSON object per line). Columns are the API's field names; the CSV export of the same entity imports unchanged. Up to 100 MiB.",
        "Each row is matched by `id`, else by its natural key — products by `sku`; establishments by `code`, else `taxId`; portfolio items by portfolio (`portfolioId` or `portfolioName`) and product (`productId` or `sku`); seller assignments by establishment (`establishmentId`, `establishmentCode` or `establishmentTaxId`) and seller (`sellerId` or `sellerEmail`); users by `email` — and is `created`, `updated`, `unchanged` (nothing differs: no version, no audit row) or `rejected` (every error, with its row and column), checked by the same rules as the single-row API.",
        `**Up to ${IMPORT_SYNC_ROWS} rows: all or nothing, in this request.** 200 with every row's outcome; a file with any rejected row writes nothing and answers 400 naming every error (\`errors[].path\` is \`/<row>/<column>\`). **More rows: a job.** 202 with \`Location: /api/v1/imports/{id}\`; it applies ${IMPORT_CHUNK_ROWS} rows at a time, each chunk atomic, rejected rows skipped. \`dryRun=true\` writes nothing in either case.`,
        "Every change writes its audit and change-log rows as a single write does, and the import one audit row of its own (`import.completed`, `import.failed`, `import.dry_run`). New users have no password: support issues them a temporary one (`POST /users/{id}/password-reset`). docs/imports.md is the full contract.",
      ].join("\n\n")
    : "",
  request: {
    params: ImportEntityParamSchema,
    query: ImportQuerySchema,
    body: {
      content: { "text/csv": { schema: file }, "application/x-ndjson": { schema: file } },
    },
  },
  responses: {
    [Status.OK]: {
      description: DOCS ? "Applied (or, in a dry run, checked): every row's outcome" : "",
      content: jsonContent(ImportResultSchema),
    },
    [Status.ACCEPTED]: {
      description: DOCS ? "A job: follow Location" : "",
      headers: locationHeader,
      content: jsonContent(ImportSchema),
    },
    ...problemResponses(Status.CONFLICT, Status.PAYLOAD_TOO_LARGE, Status.UNSUPPORTED_MEDIA_TYPE),
  },
});

export const list = protectedRoute(READERS, {
  method: "get",
  path: "/imports",
  operationId: "listImports",
  tags: ["Imports"],
  summary: DOCS ? "Recent imports, newest first" : "",
  request: { query: ImportListQuerySchema },
  responses: {
    [Status.OK]: {
      description: DOCS ? "A page of imports" : "",
      content: jsonContent(ImportPageSchema),
    },
  },
});

export const get = protectedRoute(READERS, {
  method: "get",
  path: "/imports/{id}",
  operationId: "getImport",
  tags: ["Imports"],
  summary: DOCS ? "An import: its status, progress and counts" : "",
  request: { params: ImportIdParamSchema },
  responses: {
    [Status.OK]: { description: DOCS ? "The import" : "", content: jsonContent(ImportSchema) },
    ...problemResponses(Status.NOT_FOUND),
  },
});

export const listRows = protectedRoute(READERS, {
  method: "get",
  path: "/imports/{id}/rows",
  operationId: "listImportRows",
  tags: ["Imports"],
  summary: DOCS ? "Each row's outcome, in file order" : "",
  description: DOCS ? "`outcome=rejected` lists only the rows to fix, with their errors." : "",
  request: { params: ImportIdParamSchema, query: ImportRowsQuerySchema },
  responses: {
    [Status.OK]: {
      description: DOCS ? "A page of row outcomes" : "",
      content: jsonContent(ImportRowPageSchema),
    },
    ...problemResponses(Status.NOT_FOUND),
  },
});
