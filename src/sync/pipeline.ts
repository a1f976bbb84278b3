import { and, eq } from "drizzle-orm";
import { requireConfig } from "../config.ts";
import { type Db, getDb } from "../db/client.ts";
import { type SyncRunRow, syncPages, syncRuns } from "../db/schema.ts";
import type { Waiting } from "../failure/wait.ts";
import { underGuard } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import { findIntegration } from "../integrations/store.ts";
import type { Logger } from "../observability/logger.ts";
import { findsDeletions } from "./coverage.ts";
import { enqueuePage } from "./enqueue.ts";
import { nextStep, syncPage } from "./page.ts";
import type { SyncPageMessage } from "./page-message.ts";
import { ACTIVE_STATUSES, findRun, finishRun } from "./runs.ts";
import { cleanUpSource } from "./sources.ts";

export type PageOutcome = { kind: "processed"; last: boolean } | { kind: "skipped"; reason: string } | Waiting;

/**
 * One page of a run, under the integration's guard: admitted (circuit closed or this job is the
 * probe, and the single-flight lease of the run's type is free), then fetch -> map -> validate
 * -> delta -> push -> record (src/sync/page.ts), then the outcome goes to the circuit and the
 * next page is queued. Idempotent under redelivery: a page already recorded as done is not
 * processed again, and a page retried after a partial push finds the accepted part in the
 * hashes (the platform deduplicates by idempotency key in any case). The guard's "not now" is
 * returned as a wait; errors go to the consumer, which reads them with `failureOf`.
 */
export async function processPage(env: Env, message: SyncPageMessage, log: Logger): Promise<PageOutcome> {
  const config = await requireConfig(env);
  const db = getDb(env);
  const run = await findRun(db, message.runId);
  if (!run || !(ACTIVE_STATUSES as readonly string[]).includes(run.status)) return skipped("run is not active");

  const done = await db
    .select({ nextCursor: syncPages.nextCursor })
    .from(syncPages)
    .where(and(eq(syncPages.runId, run.id), eq(syncPages.stream, message.stream), eq(syncPages.page, message.page)))
    .get();
  const integration = await findIntegration(db, run.integrationId);
  if (!integration) {
    await finishRun(db, run.id, "failed", "The integration was deleted during the run");
    return skipped("integration deleted");
  }
  if (done) {
    // Processed before, but the next page may not have been enqueued (crash in between).
    const next = nextStep(run, message, done.nextCursor, findsDeletions(integration, run));
    if (next) await enqueuePage(env, run, next);
    return skipped("page already processed");
  }
  // A fresh holder per delivery: a duplicate delivery of this page waits for the lease, which is
  // given back before the next page is queued (so it is free for it).
  const holder = `${run.id}/${message.stream}/${message.page}/${crypto.randomUUID()}`;
  const guarded = await underGuard(env, guardConfig(integration), run.type, holder, async () => {
    await markRunning(db, run);
    return syncPage(env, config, db, run, integration, message, log);
  });
  if (guarded.kind === "wait") return guarded;
  const next = guarded.value;
  if (next) await enqueuePage(env, run, next);
  else await cleanUpSource(env, run);
  return { kind: "processed", last: next === null };
}

const skipped = (reason: string): PageOutcome => ({ kind: "skipped", reason });

async function markRunning(db: Db, run: SyncRunRow): Promise<void> {
  if (run.status !== "queued") return;
  const now = new Date();
  await db
    .update(syncRuns)
    .set({ status: "running", startedAt: now, updatedAt: now })
    .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "queued")));
}
