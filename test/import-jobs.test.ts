import {
  createExecutionContext,
  createScheduledController,
  introspectWorkflow,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, count, countDistinct, eq, like } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import {
  auditEvents,
  changes,
  importChunks,
  importRows,
  imports,
  products,
} from "../src/db/schema";
import { OVERVIEW_REFRESH_CRON } from "../src/db/stats";
import { IMPORT_ENTITIES } from "../src/import-entities";
import worker from "../src/index";
import {
  applyChunk,
  IMPORT_CHUNK_ROWS,
  IMPORT_STALLED_MS,
  IMPORT_SYNC_ROWS,
  resumeStalledImports,
} from "../src/request/import-run";
import { client } from "./support/api";
import { actor } from "./support/auth";
import { db } from "./support/factories";
import { csvFile, sendImport } from "./support/imports";

const admin = await actor("admin");
const adminApi = client(admin.headers);

const HEADER = ["sku", "name", "category", "unit", "price"];
/** A products file past the size applied in the request: 6 chunks and a half. */
const ROWS = IMPORT_SYNC_ROWS + 1_500;
const file = (p: string, bad: ReadonlySet<number> = new Set()) =>
  csvFile(
    HEADER,
    Array.from({ length: ROWS }, (_, i) => [
      `${p}-${i}`,
      `Producto ${i}`,
      "bebidas",
      "unit",
      bad.has(i) ? -1 : 100 + i,
    ]),
  );

const countOf = async (
  table: typeof products | typeof auditEvents | typeof changes | typeof importRows,
  where: ReturnType<typeof eq>,
) => {
  const [row] = await db().select({ n: count() }).from(table).where(where);
  return row!.n;
};

type Page = { data: { row: number; errors?: unknown }[]; nextCursor: string | null };

const iso = () => new Date().toISOString();

async function startJob(p: string, bad?: ReadonlySet<number>) {
  const response = await sendImport(admin.headers, "products", file(p, bad), {
    fileName: `${p}.csv`,
  });
  expect(response.status, await response.clone().text()).toBe(202);
  const job = (await response.json()) as { id: string; status: string; rowsTotal: number };
  expect(response.headers.get("Location")).toBe(`/api/v1/imports/${job.id}`);
  expect(job).toMatchObject({ status: "running", rowsTotal: ROWS });
  return job.id;
}

describe("an import of more than IMPORT_SYNC_ROWS rows is a job", () => {
  it("answers 202, applies the file chunk by chunk, and reports progress and every row at its URL", async () => {
    await using jobs = await introspectWorkflow(env.IMPORT_JOBS);
    const p = "JOB-A";
    const bad = new Set([10, 4_321, 6_499]);
    const id = await startJob(p, bad);
    const [instance] = jobs.get();
    await instance!.waitForStatus("complete");

    const job = (await (await adminApi.get(`/imports/${id}`)).json()) as Record<string, unknown>;
    expect(job).toMatchObject({
      status: "completed",
      rowsTotal: ROWS,
      rowsDone: ROWS,
      created: ROWS - 3,
      rejected: 3,
      fileName: `${p}.csv`,
    });
    expect(await countOf(products, like(products.sku, `${p}-%`))).toBe(ROWS - 3);
    // Chunks are each atomic; a rejected row is skipped, not the file.
    const rejected = (await (
      await adminApi.get(`/imports/${id}/rows?outcome=rejected`)
    ).json()) as Page;
    expect(rejected.data.map((r: { row: number }) => r.row)).toEqual([...bad].map((i) => i + 2));
    expect(rejected.data[0]!.errors).toEqual([
      { column: "price", message: "price must be at least 0" },
    ]);
    // Every row's outcome, page by page in file order.
    let rows = 0;
    let cursor: string | null = null;
    do {
      const response = await adminApi.get(
        `/imports/${id}/rows?limit=1000${cursor ? `&cursor=${cursor}` : ""}`,
      );
      const page = (await response.json()) as Page;
      rows += page.data.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(rows).toBe(ROWS);
    // The staged upload is gone; the import has its one audit row.
    expect(await countOf(importChunks as never, eq(importChunks.importId, id))).toBe(0);
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.entityId, id));
    expect(audit).toMatchObject({ action: "import.completed", actorId: admin.user.id });
  });

  it("a job killed halfway and started again applies every row exactly once", async () => {
    const p = "JOB-B";
    let id: string;
    {
      // The run dies at chunk 3: chunks 0–2 are applied and recorded, the rest not.
      await using jobs = await introspectWorkflow(env.IMPORT_JOBS);
      await jobs.modifyAll(async (m) => {
        await m.disableRetryDelays();
        await m.mockStepError({ name: "chunk 3" }, new Error("the isolate was killed"));
      });
      id = await startJob(p);
      await jobs.get()[0]!.waitForStatus("errored");
    }
    const [stopped] = await db().select().from(imports).where(eq(imports.id, id));
    expect(stopped).toMatchObject({ status: "running", nextChunk: 3 });
    expect(await countOf(products, like(products.sku, `${p}-%`))).toBe(3 * IMPORT_CHUNK_ROWS);

    // Worse: chunk 3 was committed by a run whose step never recorded it (killed between
    // the batch and the step's end). Two runs at once apply it once between them.
    const applied = await Promise.all([
      applyChunk(db(), IMPORT_ENTITIES, id, 3, iso),
      applyChunk(db(), IMPORT_ENTITIES, id, 3, iso),
    ]);
    expect(applied.filter(Boolean)).toHaveLength(1);

    // Not stalled yet: nothing to resume.
    expect(await resumeStalledImports(db(), env.IMPORT_JOBS, Date.now())).toEqual([]);
    {
      await using jobs = await introspectWorkflow(env.IMPORT_JOBS);
      const resumed = await resumeStalledImports(
        db(),
        env.IMPORT_JOBS,
        Date.now() + IMPORT_STALLED_MS + 1_000,
      );
      expect(resumed).toEqual([id]);
      await jobs.get()[0]!.waitForStatus("complete");
    }
    const [done] = await db().select().from(imports).where(eq(imports.id, id));
    expect(done).toMatchObject({ status: "completed", runs: 1, created: ROWS, rejected: 0 });
    const [distinct] = await db()
      .select({ rows: count(), skus: countDistinct(products.sku) })
      .from(products)
      .where(like(products.sku, `${p}-%`));
    expect(distinct).toEqual({ rows: ROWS, skus: ROWS });
    expect(await countOf(importRows, eq(importRows.importId, id))).toBe(ROWS);
    const [requestId] = await db()
      .select({ requestId: imports.requestId })
      .from(imports)
      .where(eq(imports.id, id));
    expect(
      await countOf(
        auditEvents,
        and(
          eq(auditEvents.action, "product.created"),
          eq(auditEvents.requestId, requestId!.requestId!),
        )!,
      ),
    ).toBe(ROWS);
    const [logged] = await db()
      .select({ n: count() })
      .from(changes)
      .innerJoin(products, eq(products.id, changes.entityId))
      .where(like(products.sku, `${p}-%`));
    expect(logged!.n).toBe(ROWS);
  });

  it("a dry run of a large file is a job too, and writes nothing but its record", async () => {
    await using jobs = await introspectWorkflow(env.IMPORT_JOBS);
    const response = await sendImport(admin.headers, "products", file("JOB-C", new Set([7])), {
      dryRun: true,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await jobs.get()[0]!.waitForStatus("complete");
    const job = (await (await adminApi.get(`/imports/${id}`)).json()) as Record<string, unknown>;
    expect(job).toMatchObject({
      dryRun: true,
      status: "completed",
      created: ROWS - 1,
      rejected: 1,
    });
    expect(await countOf(products, like(products.sku, "JOB-C-%"))).toBe(0);
  });

  it("the ten-minute cron resumes a job whose run stopped", async () => {
    const id = "0193b6e2-0000-7000-8000-00000000cafe";
    await env.DB.prepare(
      "insert into imports (id, entity, format, dry_run, status, rows_total, chunks_total, created_at, updated_at) values (?, 'products', 'csv', 0, 'running', 0, 0, '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z')",
    )
      .bind(id)
      .run();
    await using jobs = await introspectWorkflow(env.IMPORT_JOBS);
    await worker.scheduled(
      createScheduledController({ cron: OVERVIEW_REFRESH_CRON }),
      env,
      createExecutionContext(),
    );
    await jobs.get()[0]!.waitForStatus("complete");
    const [job] = await db().select().from(imports).where(eq(imports.id, id));
    expect(job).toMatchObject({ status: "completed", runs: 1 });
  });

  it("a job whose run could not be started is accepted all the same, and the cron starts it", async () => {
    const create = vi
      .spyOn(env.IMPORT_JOBS, "create")
      .mockRejectedValueOnce(new Error("Workflows unavailable"));
    const id = await startJob("JOB-D");
    expect(create).toHaveBeenCalledTimes(1);
    create.mockRestore();
    const [waiting] = await db().select().from(imports).where(eq(imports.id, id));
    expect(waiting).toMatchObject({ status: "running", nextChunk: 0, runs: 0 });
    await using jobs = await introspectWorkflow(env.IMPORT_JOBS);
    expect(
      await resumeStalledImports(db(), env.IMPORT_JOBS, Date.now() + IMPORT_STALLED_MS + 1_000),
    ).toEqual([id]);
    await jobs.get()[0]!.waitForStatus("complete");
    const [done] = await db().select().from(imports).where(eq(imports.id, id));
    expect(done).toMatchObject({ status: "completed", created: ROWS, runs: 1 });
  });
});
