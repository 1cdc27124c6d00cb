import { z } from "@hono/zod-openapi";
import { importEntities, importFormats, importOutcomes, importStatuses } from "../../db/schema";
import { DOCS } from "../../lib/docs";
import { id, timestamp } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { message } from "../../lib/validation";

export const ImportEntitySchema = z.enum(importEntities).openapi("ImportEntity", {
  description: DOCS ? "What a file loads." : "",
});

export const ImportEntityParamSchema = z.object({
  entity: ImportEntitySchema.openapi({ param: { name: "entity", in: "path" } }),
});

export const ImportIdParamSchema = z.object({
  id: id().openapi({
    param: { name: "id", in: "path" },
    example: "0193b6e2-7c1a-7b2e-9f4d-2a1b3c4d5e6f",
  }),
});

const booleanFlag = z
  .enum(["true", "false"])
  .default("false")
  .transform((value) => value === "true");

export const ImportQuerySchema = z.object({
  dryRun: booleanFlag.openapi({
    description: DOCS
      ? "`true`: check every row and say what would happen, writing nothing but the import's record."
      : "",
    example: "true",
  }),
  fileName: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      description: DOCS ? "The file's name, for the import's record and its audit row." : "",
      example: "tiendas-bogota.csv",
    }),
});

export const ImportSchema = z
  .object({
    id: z.string(),
    entity: ImportEntitySchema,
    format: z.enum(importFormats),
    dryRun: z.boolean(),
    status: z.enum(importStatuses).openapi({
      description: DOCS
        ? "`staging`: a job's upload is being stored; `running`: its rows are being applied; `completed`: every row has its outcome; `failed`: see `error` (a file with a rejected row that was all or nothing, or a job that could not go on)."
        : "",
    }),
    fileName: z.string().nullable(),
    actorId: z.string().nullable(),
    rowsTotal: z.number().int(),
    rowsDone: z
      .number()
      .int()
      .openapi({ description: DOCS ? "Rows with an outcome so far." : "" }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    error: z
      .string()
      .nullable()
      .openapi({
        description: DOCS
          ? "Why it failed, in the language of Content-Language. A file refused whole records only its rejected rows and counts; nothing else of it was written."
          : "",
      }),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    finishedAt: timestamp().nullable(),
  })
  .openapi("Import");

export const ColumnErrorSchema = z
  .object({
    column: z
      .string()
      .nullable()
      .openapi({ description: DOCS ? "The column; null for the row as a whole." : "" }),
    message: z.string(),
  })
  .openapi("ImportColumnError");

export const ImportRowResultSchema = z
  .object({
    row: z
      .number()
      .int()
      .openapi({
        description: DOCS
          ? "The row's number as a spreadsheet shows it: in CSV the header is row 1; in NDJSON the line."
          : "",
      }),
    outcome: z.enum(importOutcomes),
    id: z
      .string()
      .nullable()
      .openapi({
        description: DOCS
          ? "The record created, updated or found unchanged (for a portfolio item the product, for a seller assignment the establishment)."
          : "",
      }),
    errors: z.array(ColumnErrorSchema).optional(),
  })
  .openapi("ImportRowResult");

export const ImportResultSchema = z
  .object({ import: ImportSchema, rows: z.array(ImportRowResultSchema) })
  .openapi("ImportResult");

export const ImportPageSchema = pageSchema(ImportSchema).openapi("ImportPage");
export const ImportRowPageSchema = pageSchema(ImportRowResultSchema).openapi("ImportRowPage");

export const IMPORT_ROWS_MAX_LIMIT = 1000;

export const ImportRowsQuerySchema = z.object({
  outcome: z.enum(importOutcomes).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, message("rowCursor"))
    .optional()
    .openapi({
      description: DOCS ? "The `nextCursor` of the previous page." : "",
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(IMPORT_ROWS_MAX_LIMIT)
    .default(100)
    .openapi({ description: DOCS ? `Rows per page, 1..${IMPORT_ROWS_MAX_LIMIT}.` : "" }),
});

export const ImportListQuerySchema = listQuerySchema(["createdAt"], "-createdAt").extend({
  entity: ImportEntitySchema.optional(),
});
