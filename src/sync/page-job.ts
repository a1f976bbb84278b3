import { and, eq } from "drizzle-orm";
import { getDb } from "../db/client.ts";
import { syncRuns } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import type { JobKind } from "../jobs/kind.ts";
import { retryNoteColumns } from "../jobs/retry-note.ts";
import { kickDispatch } from "../outbound/enqueue.ts";
import { SyncPageMessage } from "./page-message.ts";
import { processPage } from "./pipeline.ts";
import { findRun, finishRun } from "./runs.ts";

/** The job of one page of a sync run (src/sync/pipeline.ts); it writes the run's row. */
export const syncPageJob: JobKind<typeof SyncPageMessage> = {
  schema: SyncPageMessage,
  queue: "sync",
  logFields: (job) => ({ integrationId: job.integrationId, runId: job.runId, page: job.page }),
  async process(env, job, log) {
    const outcome = await processPage(env, job, log);
    // What the page changed (and at the end the run's outcome) is in the outbox.
    if (outcome.kind === "processed") await kickDispatch(env);
    return outcome.kind === "wait" ? outcome : { kind: "done" };
  },
  fail: (env, job, reason) => finishRun(getDb(env), job.runId, "failed", reason).then(() => kickDispatch(env)),
  async noteRetry(env, job, note) {
    await getDb(env)
      .update(syncRuns)
      .set({ ...retryNoteColumns(syncRuns.attempts, note), retryAt: note.retryAt })
      .where(eq(syncRuns.id, job.runId));
  },
  async deadOwner(env, job) {
    const db = getDb(env);
    const run = await findRun(db, job.runId);
    if (!run) return undefined;
    return {
      ...run,
      runId: run.id,
      markDead: (error) => finishRun(db, run.id, "dead", error).then(() => undefined),
    };
  },
  // The run goes back to running and resumes from the page that died, so pages already done
  // are not pushed again.
  async replayTarget(_env, db, job) {
    const run = await findRun(db, job.runId);
    if (!run) throw new AppError("CONFLICT", "This dead letter cannot be replayed: its run no longer exists");
    if (run.status !== "dead")
      throw new AppError("CONFLICT", `Run ${run.id} is ${run.status}, not dead; only dead runs can be replayed`);
    const now = new Date();
    return {
      details: { runId: run.id },
      busy: `A ${run.type} run of this integration is active; replay when it has finished`,
      reactivate: db
        .update(syncRuns)
        .set({ status: "running", finishedAt: null, attempts: 0, updatedAt: now })
        .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "dead"))),
      rollback: db
        .update(syncRuns)
        .set({ status: "dead", finishedAt: now, updatedAt: new Date() })
        .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "running"))),
      priority: run.priority > 0,
    };
  },
};
