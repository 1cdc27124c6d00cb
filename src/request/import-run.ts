import { and, eq, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { abortIf, insertRows, isLostRace } from "../db/bulk";
import type { Database } from "../db/client";
import { uniqueViolation } from "../db/errors";
import { auditEvents, importChunks, importRows, imports } from "../db/schema";
import type { Text } from "../lib/language";
import { ApiError } from "../lib/problem";
import { type AuditSource, auditRowOf, insertAuditIfChanged } from "./audit";
import {
  type ColumnError,
  type ImportContext,
  type ImportEntity,
  type ImportEntityName,
  type ImportRow,
  type Outcome,
  type Plan,
  type RowResult,
  rejected,
} from "./import-plan";

/**
 * The most rows a file may have to be applied in the request, all or nothing, in one D1
 * batch. docs/imports.md ("Atomicity") sets it against D1's production limits.
 */
export const IMPORT_SYNC_ROWS = 5_000;
/** The largest file an import takes (the platform's own cap on a request body, Free and Pro). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Rows per chunk of a job: one Workflow step and one D1 batch each. */
export const IMPORT_CHUNK_ROWS = 1_000;
/** Attempts of a plan whose batch lost a race with another write (planned again each time). */
const ATTEMPTS = 3;

export type Counts = Record<Outcome, number>;
const NOTHING: Counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };

/** Why an import failed, as its `error` column keeps it: the text in both languages. */
const failure = (text: Text) => JSON.stringify(text);

/** The plan of `rows`: the entity's, for those the file's reader could make rows of. */
async function planRows(
  ctx: ImportContext,
  entity: ImportEntity,
  rows: readonly ImportRow[],
): Promise<Plan> {
  const readable = rows.filter((r) => r.errors === undefined);
  const plan = await entity.plan(ctx, readable);
  if (readable.length === rows.length) return plan;
  const unreadable = rows.flatMap((r) => (r.errors ? [rejected(r.row, r.errors)] : []));
  return {
    results: [...plan.results, ...unreadable].sort((a, b) => a.row - b.row),
    writes: plan.writes,
  };
}

export const countOutcomes = (results: readonly RowResult[]): Counts => {
  const counts: Counts = { ...NOTHING };
  for (const result of results) counts[result.outcome]++;
  return counts;
};

/** What an import is, as it starts. */
export interface ImportHeader {
  id: string;
  entity: ImportEntityName;
  format: "csv" | "ndjson";
  dryRun: boolean;
  fileName: string | null;
}

/** The INSERT of each row's outcome. */
const outcomeRows = (db: Database, importId: string, results: readonly RowResult[]) =>
  insertRows(
    db,
    importRows,
    results.map((r) => ({
      importId,
      row: r.row,
      outcome: r.outcome,
      entityId: r.id,
      errors: r.errors ?? null,
    })),
  );

/** The audit row of the import itself: who loaded which file, and what came of it. */
function importAuditRow(
  source: AuditSource,
  header: ImportHeader,
  counts: Counts,
  status: string,
  at: string,
) {
  const after = (value: unknown) => ({ before: null, after: value });
  return auditRowOf(
    source,
    {
      action: header.dryRun ? "import.dry_run" : `import.${status}`,
      entityType: "import",
      entityId: header.id,
      changes: {
        entity: after(header.entity),
        fileName: after(header.fileName),
        ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, after(v)])),
      },
    },
    at,
  );
}

/** A batch that lost a race (a row it planned from changed, or a key was taken meanwhile). */
const lostRace = (error: unknown) => isLostRace(error) || uniqueViolation(error) !== null;

const changedMeanwhile = () =>
  new ApiError("conflict", {
    detail: {
      en: "The data changed while the file was being imported, and nothing was written; send it again",
      es: "Los datos cambiaron mientras se importaba el archivo y no se escribió nada; envíelo de nuevo",
    },
  });

export interface ImportedFile {
  status: "completed" | "failed";
  counts: Counts;
  results: RowResult[];
}

/**
 * A whole file (at most IMPORT_SYNC_ROWS rows) applied in one atomic batch with its
 * record: every row's writes, its outcome, the import row and its audit row. A file with
 * a rejected row writes nothing but that record (`failed`); a dry run writes only the
 * record. A batch that lost a race rolls back whole and is planned again.
 */
export async function importFile(
  ctx: ImportContext,
  entity: ImportEntity,
  header: ImportHeader,
  rows: readonly ImportRow[],
): Promise<ImportedFile> {
  const { db } = ctx;
  for (let attempt = 1; ; attempt++) {
    const plan = await planRows(ctx, entity, rows);
    const counts = countOutcomes(plan.results);
    const status = !header.dryRun && counts.rejected > 0 ? "failed" : "completed";
    const refused = status === "failed";
    const writes = header.dryRun || refused ? [] : plan.writes;
    // A refused file wrote nothing: its record says so, with only the rows to fix.
    const recorded = refused ? plan.results.filter((r) => r.outcome === "rejected") : plan.results;
    const outcome = refused ? { ...NOTHING, rejected: counts.rejected } : counts;
    const record: BatchItem<"sqlite">[] = [
      db.insert(imports).values({
        ...header,
        status,
        actorId: ctx.source.actorId,
        requestId: ctx.source.requestId,
        rowsTotal: rows.length,
        chunksTotal: 1,
        nextChunk: 1,
        ...outcome,
        error: refused
          ? failure({
              en: `${counts.rejected} of ${rows.length} rows are invalid; nothing was written`,
              es: `${counts.rejected} de ${rows.length} filas no son válidas; no se escribió nada`,
            })
          : null,
        createdAt: ctx.at,
        updatedAt: ctx.at,
        finishedAt: ctx.at,
      }),
      ...outcomeRows(db, header.id, recorded),
      db.insert(auditEvents).values(importAuditRow(ctx.source, header, outcome, status, ctx.at)),
    ];
    try {
      await db.batch([...writes, ...record] as [BatchItem<"sqlite">]);
      return { status, counts, results: plan.results };
    } catch (error) {
      if (writes.length === 0 || !lostRace(error)) throw error;
      if (attempt === ATTEMPTS) throw changedMeanwhile();
    }
  }
}

/** A job's import row as it starts: `staging` while its upload is stored. */
export const startJob = (ctx: ImportContext, header: ImportHeader) =>
  ctx.db.insert(imports).values({
    ...header,
    status: "staging",
    actorId: ctx.source.actorId,
    requestId: ctx.source.requestId,
    createdAt: ctx.at,
    updatedAt: ctx.at,
  });

/** A chunk of a job's upload, staged: its rows as `[[row, record], …]`. */
export const stageChunk = (db: Database, importId: string, seq: number, rows: ImportRow[]) =>
  db.insert(importChunks).values({
    importId,
    seq,
    rows: JSON.stringify(
      rows.map((r) => (r.errors ? [r.row, r.record, r.errors] : [r.row, r.record])),
    ),
  });

/** The upload is stored: the job may run. */
export const jobStaged = (
  db: Database,
  importId: string,
  totals: { rowsTotal: number; chunksTotal: number },
  at: string,
) =>
  db
    .update(imports)
    .set({ ...totals, status: "running", updatedAt: at })
    .where(and(eq(imports.id, importId), eq(imports.status, "staging")));

export type ImportRecord = typeof imports.$inferSelect;

type StagedRow = [row: number, record: Record<string, unknown>, errors?: ColumnError[]];

/** The source of a job's audit rows: the import's, as the request that started it had it. */
const jobSource = (job: ImportRecord): AuditSource => ({
  actorId: job.actorId,
  requestId: job.requestId,
  ip: null,
  userAgent: null,
  provenance: { capturedAt: null, deviceId: null, appVersion: null },
});

/**
 * Applies chunk `seq` of a job, once: its writes, its rows' outcomes and the advance of
 * the job's `next_chunk` from `seq` go in one batch, which aborts when `next_chunk` is no
 * longer `seq`. A step that runs again (a Workflow retry, a restarted job, two runs at
 * once) finds the chunk applied and does nothing, so a job stopped anywhere can be
 * started again and duplicates nothing. Returns false when there was nothing to do.
 */
export async function applyChunk(
  db: Database,
  entities: Readonly<Record<ImportEntityName, ImportEntity>>,
  importId: string,
  seq: number,
  now: () => string,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const [[job], [chunk]] = await db.batch([
      db.select().from(imports).where(eq(imports.id, importId)),
      db
        .select()
        .from(importChunks)
        .where(and(eq(importChunks.importId, importId), eq(importChunks.seq, seq))),
    ]);
    if (job?.status !== "running" || job.nextChunk !== seq || !chunk) return false;
    const rows = (JSON.parse(chunk.rows) as StagedRow[]).map(([row, record, errors]) =>
      errors ? { row, record, errors } : { row, record },
    );
    const at = now();
    const ctx: ImportContext = { db, source: jobSource(job), at };
    const plan = await planRows(ctx, entities[job.entity], rows);
    const counts = countOutcomes(plan.results);
    const advance = db
      .update(imports)
      .set({
        nextChunk: seq + 1,
        created: sql`${imports.created} + ${counts.created}`,
        updated: sql`${imports.updated} + ${counts.updated}`,
        unchanged: sql`${imports.unchanged} + ${counts.unchanged}`,
        rejected: sql`${imports.rejected} + ${counts.rejected}`,
        updatedAt: at,
      })
      .where(
        and(eq(imports.id, importId), eq(imports.nextChunk, seq), eq(imports.status, "running")),
      );
    try {
      await db.batch([
        ...(job.dryRun ? [] : plan.writes),
        ...outcomeRows(db, importId, plan.results),
        advance,
        abortIf(db, sql`changes() = 0`),
      ] as unknown as [BatchItem<"sqlite">]);
      return true;
    } catch (error) {
      // Another run applied the chunk meanwhile, or a row changed: read again and see.
      if (!lostRace(error) || attempt === ATTEMPTS) throw error;
    }
  }
}

/**
 * Ends a job whose chunks are all applied: `completed`, its audit row, and its staged
 * upload deleted (it was only kept to resume from). Idempotent.
 */
export async function finishJob(db: Database, importId: string, at: string) {
  const [job] = await db.select().from(imports).where(eq(imports.id, importId));
  if (job?.status !== "running" || job.nextChunk < job.chunksTotal) return;
  const counts: Counts = {
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    rejected: job.rejected,
  };
  await db.batch([
    db
      .update(imports)
      .set({ status: "completed", finishedAt: at, updatedAt: at })
      .where(and(eq(imports.id, importId), eq(imports.status, "running"))),
    insertAuditIfChanged(db, importAuditRow(jobSource(job), job, counts, "completed", at)),
    db.delete(importChunks).where(eq(importChunks.importId, importId)),
  ]);
}

/** Marks a job that cannot go on (the reason is for the person who started it). */
export const failJob = (db: Database, importId: string, reason: Text, at: string) =>
  db
    .update(imports)
    .set({ status: "failed", error: failure(reason), finishedAt: at, updatedAt: at })
    .where(and(eq(imports.id, importId), eq(imports.status, "running")));

/** A running job not advanced for this long has lost its Workflow run: the cron resumes it. */
export const IMPORT_STALLED_MS = 10 * 60 * 1000;
/** Runs of a job before the cron gives up on it (failed): a bug, not an outage. */
export const IMPORT_MAX_RUNS = 5;

/**
 * Resumes the jobs whose Workflow run stopped (a platform restart, an instance that
 * errored): a new run of the same import, which picks up at its `next_chunk`. Claimed with
 * a compare-and-swap on `runs`, so two crons never start the same job twice at once (and
 * if they did, `applyChunk` applies each chunk once). Returns the ids resumed.
 */
export async function resumeStalledImports(
  db: Database,
  jobs: Workflow,
  now: number,
): Promise<string[]> {
  const stalledBefore = new Date(now - IMPORT_STALLED_MS).toISOString();
  const at = new Date(now).toISOString();
  const stalled = await db
    .select({ id: imports.id, runs: imports.runs })
    .from(imports)
    .where(and(eq(imports.status, "running"), lt(imports.updatedAt, stalledBefore)));
  const resumed: string[] = [];
  for (const job of stalled) {
    if (job.runs >= IMPORT_MAX_RUNS) {
      await failJob(
        db,
        job.id,
        {
          en: `The job stopped ${job.runs} times; import the rows it did not apply again`,
          es: `El trabajo se detuvo ${job.runs} veces; importe de nuevo las filas que no aplicó`,
        },
        at,
      );
      continue;
    }
    const [claimed] = await db
      .update(imports)
      .set({ runs: job.runs + 1, updatedAt: at })
      .where(and(eq(imports.id, job.id), eq(imports.runs, job.runs)))
      .returning({ id: imports.id });
    if (!claimed) continue;
    await jobs.create({ id: `${job.id}-r${job.runs + 1}`, params: { importId: job.id } });
    resumed.push(job.id);
  }
  return resumed;
}

/** Where a running job is: the first chunk not applied, and how many there are. */
export async function jobProgress(db: Database, importId: string) {
  const [job] = await db
    .select({ nextChunk: imports.nextChunk, chunksTotal: imports.chunksTotal })
    .from(imports)
    .where(and(eq(imports.id, importId), eq(imports.status, "running")));
  return job ?? null;
}
