import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { createDatabase } from "./db/client";
import { IMPORT_ENTITIES } from "./import-entities";
import { now } from "./lib/clock";
import { applyChunk, finishJob, jobProgress } from "./request/import-run";

export interface ImportJobParams {
  importId: string;
}

const iso = () => now().toISOString();

/**
 * An import job (docs/imports.md): each staged chunk is one step, applied by `applyChunk`
 * in one D1 batch with the job's progress. The progress row, not the Workflow's memory,
 * says where the job is: a run started again (by the cron, after a restart) reads it and
 * goes on from there, and a step that repeats finds its chunk applied and does nothing.
 * Queues would do the chunks too, but a job here is a sequence with one owner and a
 * state; a Workflow instance per import says so, retries each step on its own, and its
 * test hooks (introspection, injected step errors) let the tests stop a job mid-way.
 */
export class ImportWorkflow extends WorkflowEntrypoint<Env, ImportJobParams> {
  override async run(event: Readonly<WorkflowEvent<ImportJobParams>>, step: WorkflowStep) {
    const { importId } = event.payload;
    const db = createDatabase(this.env.DB);
    const progress = await step.do("progress", () => jobProgress(db, importId));
    if (!progress) return { importId, applied: 0 };
    let applied = 0;
    for (let seq = progress.nextChunk; seq < progress.chunksTotal; seq++) {
      const done = await step.do(
        `chunk ${seq}`,
        { retries: { limit: 5, delay: "2 seconds", backoff: "exponential" } },
        () => applyChunk(db, IMPORT_ENTITIES, importId, seq, iso),
      );
      if (done) applied++;
    }
    await step.do("finish", () => finishJob(db, importId, iso()));
    return { importId, applied };
  }
}
