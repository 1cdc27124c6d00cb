import { and, eq, gt, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { JSON_CHUNK_BYTES, utf8Length } from "../../db/bulk";
import { keyset } from "../../db/keyset";
import { GuardRefused } from "../../db/request-session";
import { importRows, imports } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { discard } from "../../lib/body-guards";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { type Language, negotiateLanguage, type Text } from "../../lib/language";
import { API_BASE } from "../../lib/openapi";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { auditSource } from "../../request/audit";
import type {
  ColumnError,
  ImportContext,
  ImportEntity,
  ImportEntityName,
  ImportRow,
  RowResult,
} from "../../request/import-plan";
import {
  IMPORT_CHUNK_ROWS,
  IMPORT_SYNC_ROWS,
  type ImportHeader,
  type ImportRecord,
  importFile,
  jobStaged,
  MAX_IMPORT_BYTES,
  stageChunk,
  startJob,
} from "../../request/import-run";
import { fileRows, type ImportFormat } from "./imports.records";
import type * as routes from "./imports.routes";

/** Chunks of a job's upload written per round trip while it is staged. */
const CHUNKS_PER_BATCH = 4;

/** The import as the API shows it, its error in the reader's language. */
export const toImport = (
  { requestId: _r, nextChunk: _n, chunksTotal: _c, runs: _runs, error, ...row }: ImportRecord,
  language: Language,
) => ({
  ...row,
  error: error === null ? null : (JSON.parse(error) as Text)[language],
  rowsDone: row.created + row.updated + row.unchanged + row.rejected,
});

const MEDIA_TYPES: Record<string, ImportFormat> = {
  "text/csv": "csv",
  "application/x-ndjson": "ndjson",
};

/** The file's format from its Content-Type (UTF-8 only), or a 415. */
function formatOf(header: string | undefined): ImportFormat {
  const [type = "", ...parameters] = (header ?? "").split(";").map((part) => part.trim());
  const format = MEDIA_TYPES[type.toLowerCase()];
  const charset = parameters
    .map((p) => /^charset="?([^"]*)"?$/i.exec(p)?.[1]?.toLowerCase())
    .find((c) => c !== undefined);
  if (format && (charset === undefined || charset === "utf-8")) return format;
  throw new ApiError("unsupported-media-type", {
    detail: {
      en: `Send the file as text/csv or application/x-ndjson, in UTF-8 (got ${header ?? "no Content-Type"})`,
      es: `Envíe el archivo como text/csv o application/x-ndjson, en UTF-8 (llegó ${header ?? "sin Content-Type"})`,
    },
  });
}

const tooLarge = () =>
  new ApiError("payload-too-large", {
    detail: {
      en: `The file exceeds ${MAX_IMPORT_BYTES} bytes: split it`,
      es: `El archivo supera ${MAX_IMPORT_BYTES} bytes: divídalo`,
    },
  });

/**
 * The body as the file's reader reads it, counted: past MAX_IMPORT_BYTES the read fails
 * with a 413. `drain` reads what is left and drops it: an upload answered half-read
 * breaks the next request on the connection under `wrangler dev` (src/lib/body-guards.ts),
 * so a file refused partway is read to its end first (the platform caps uploads).
 */
function upload(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  let bytes = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const read = await reader.read();
        if (read.done) return controller.close();
        bytes += read.value.byteLength;
        if (bytes > MAX_IMPORT_BYTES) controller.error(tooLarge());
        else controller.enqueue(read.value);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, drain: () => discard(reader) };
}

/** A row's outcome as the API shows it: its errors in the caller's language. */
const shownRow = (result: RowResult, language: Language) => ({
  row: result.row,
  outcome: result.outcome,
  id: result.id,
  ...(result.errors && {
    errors: result.errors.map((e) => ({ column: e.column, message: e.message[language] })),
  }),
});

function answerLanguage(c: Context): Language {
  const language = negotiateLanguage(c.req.header("Accept-Language"));
  c.header("Content-Language", language);
  c.header("Vary", "Accept-Language", { append: true });
  return language;
}

/**
 * A file larger than IMPORT_SYNC_ROWS rows, staged as a job: `first` (already read) and
 * the rest of `rows` as they arrive, IMPORT_CHUNK_ROWS to a chunk, a few chunks per round
 * trip, so one batch of chunks is in memory at a time. A file that turns out unreadable
 * halfway leaves no import behind.
 */
async function stageJob(
  c: Context<AppEnv>,
  ctx: ImportContext,
  header: ImportHeader,
  first: ImportRow[],
  rows: AsyncIterator<ImportRow>,
): Promise<Response> {
  const db = ctx.db;
  await startJob(ctx, header);
  try {
    let seq = 0;
    let rowsTotal = 0;
    let chunk: ImportRow[] = [];
    let pending: BatchItem<"sqlite">[] = [];
    const flush = async () => {
      if (pending.length > 0) await db.batch(pending as [BatchItem<"sqlite">]);
      pending = [];
    };
    let chunkBytes = 0;
    const add = async (row: ImportRow) => {
      // A chunk ends at IMPORT_CHUNK_ROWS rows, or sooner when its text nears D1's limit
      // on a value.
      const bytes = utf8Length(JSON.stringify(row)) + 1;
      if (chunk.length > 0 && chunkBytes + bytes > JSON_CHUNK_BYTES) await close();
      chunk.push(row);
      chunkBytes += bytes;
      rowsTotal++;
      if (chunk.length >= IMPORT_CHUNK_ROWS) await close();
    };
    const close = async () => {
      pending.push(stageChunk(db, header.id, seq++, chunk));
      chunk = [];
      chunkBytes = 0;
      if (pending.length >= CHUNKS_PER_BATCH) await flush();
    };
    for (const row of first.splice(0)) await add(row);
    for (let next = await rows.next(); !next.done; next = await rows.next()) await add(next.value);
    if (chunk.length > 0) pending.push(stageChunk(db, header.id, seq++, chunk));
    pending.push(jobStaged(db, header.id, { rowsTotal, chunksTotal: seq }, ctx.at));
    await flush();
  } catch (error) {
    await db.delete(imports).where(eq(imports.id, header.id));
    throw error;
  }
  try {
    await c.env.IMPORT_JOBS.create({ id: header.id, params: { importId: header.id } });
  } catch (error) {
    // The upload is staged and the job `running`: the ten-minute cron starts a run for it
    // (resumeStalledImports), so the file is accepted all the same.
    console.error(
      JSON.stringify({
        level: "error",
        message: "import job not started; the cron will start it",
        importId: header.id,
        requestId: c.var.requestId,
        error: String(error),
      }),
    );
  }
  const [job] = await db.select().from(imports).where(eq(imports.id, header.id));
  c.header("Location", `${API_BASE}/imports/${header.id}`);
  return c.json(toImport(job!, answerLanguage(c)), Status.ACCEPTED);
}

/** `POST /imports/{entity}`, loading rows with `entities` (src/import-entities.ts). */
export const importHandlers = (
  entities: Readonly<Record<ImportEntityName, ImportEntity>>,
): {
  create: AppRouteHandler<typeof routes.create>;
  list: AppRouteHandler<typeof routes.list>;
  get: AppRouteHandler<typeof routes.get>;
  listRows: AppRouteHandler<typeof routes.listRows>;
} => ({
  create: async (c) => {
    const { entity: name } = c.req.valid("param");
    const { dryRun, fileName } = c.req.valid("query");
    const format = formatOf(c.req.header("Content-Type"));
    // Settle the caller's session before reading the upload: a role changed since the
    // token runs this handler again (src/auth/route.ts), and it must find the body unread.
    if ((await c.var.d1.settle()) === "refused") throw new GuardRefused();
    const body = c.req.raw.body;
    if (body === null) {
      throw new ApiError("validation-error", {
        detail: { en: "The file is empty", es: "El archivo está vacío" },
        errors: [{ path: "/1", message: { en: "the file is empty", es: "el archivo está vacío" } }],
      });
    }
    const entity = entities[name];
    const ctx: ImportContext = {
      db: c.var.db,
      source: auditSource(c),
      at: new Date().toISOString(),
    };
    const header: ImportHeader = {
      id: uuidv7(),
      entity: name,
      format,
      dryRun,
      fileName: fileName ?? null,
    };
    const file = upload(body);
    try {
      const rows = fileRows(file.stream, format, entity)[Symbol.asyncIterator]();
      const first: ImportRow[] = [];
      for (let next = await rows.next(); !next.done; next = await rows.next()) {
        first.push(next.value);
        if (first.length > IMPORT_SYNC_ROWS) return await stageJob(c, ctx, header, first, rows);
      }
      const imported = await importFile(ctx, entity, header, first);
      if (imported.status === "failed") {
        throw new ApiError("validation-error", {
          detail: {
            en: `${imported.counts.rejected} of ${first.length} rows are invalid; nothing was written (import ${header.id})`,
            es: `${imported.counts.rejected} de ${first.length} filas no son válidas; no se escribió nada (importación ${header.id})`,
          },
          errors: imported.results.flatMap((r) =>
            (r.errors ?? []).map((e) => ({
              path: e.column === null ? `/${r.row}` : `/${r.row}/${e.column}`,
              message: e.message,
            })),
          ),
        });
      }
      const [record] = await c.var.db.select().from(imports).where(eq(imports.id, header.id));
      const language = answerLanguage(c);
      return c.json(
        {
          import: toImport(record!, language),
          rows: imported.results.map((r) => shownRow(r, language)),
        },
        Status.OK,
      );
    } finally {
      await file.drain();
    }
  },

  list: async (c) => {
    const query = c.req.valid("query");
    const page = keyset(query, imports.id, { createdAt: imports.createdAt });
    const rows = await c.var.db
      .select()
      .from(imports)
      .where(and(query.entity ? eq(imports.entity, query.entity) : undefined, page.where))
      .orderBy(...page.orderBy)
      .limit(query.limit + 1);
    const { data, nextCursor } = page.toPage(rows, query.limit);
    const language = answerLanguage(c);
    return c.json({ data: data.map((row) => toImport(row, language)), nextCursor }, Status.OK);
  },

  get: async (c) => {
    const { id } = c.req.valid("param");
    const [record] = await c.var.db.select().from(imports).where(eq(imports.id, id));
    if (!record) throw noSuchImport();
    return c.json(toImport(record, answerLanguage(c)), Status.OK);
  },

  listRows: async (c) => {
    const { id } = c.req.valid("param");
    const { outcome, cursor, limit } = c.req.valid("query");
    const db = c.var.db;
    const where: (SQL | undefined)[] = [
      eq(importRows.importId, id),
      outcome ? eq(importRows.outcome, outcome) : undefined,
      cursor === undefined ? undefined : gt(importRows.row, Number(cursor)),
    ];
    const [[record], rows] = await db.batch([
      db.select({ id: imports.id }).from(imports).where(eq(imports.id, id)),
      db
        .select()
        .from(importRows)
        .where(and(...where))
        .orderBy(importRows.row)
        .limit(limit + 1),
    ]);
    if (!record) throw noSuchImport();
    const language = answerLanguage(c);
    const data = rows.slice(0, limit).map((r) =>
      shownRow(
        {
          row: r.row,
          outcome: r.outcome,
          id: r.entityId,
          ...(r.errors ? { errors: r.errors as ColumnError[] } : {}),
        },
        language,
      ),
    );
    const nextCursor = rows.length > limit ? String(data[data.length - 1]!.row) : null;
    return c.json({ data, nextCursor }, Status.OK);
  },
});

const noSuchImport = () =>
  new ApiError("not-found", { detail: { en: "No such import", es: "No existe la importación" } });
