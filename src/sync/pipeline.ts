import { and, eq } from "drizzle-orm";
import { requireConfig } from "../config.ts";
import { type Db, getDb } from "../db/client.ts";
import { type SyncRunRow, syncPages, syncRuns } from "../db/schema.ts";
import { circuitOutcome, GuardWait, guardOf, LEASE_MS } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import { findIntegration } from "../integrations/store.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import type { Logger } from "../observability/logger.ts";
import type { SyncPageMessage } from "../queues/messages.ts";
import { enqueuePage } from "./enqueue.ts";
import { nextStep, type PageStep, syncPage } from "./page.ts";
import { ACTIVE_STATUSES, findRun, finishRun } from "./runs.ts";
import { cleanUpSource } from "./sources.ts";

export type PageOutcome = { kind: "processed"; last: boolean } | { kind: "skipped"; reason: string };

/**
 * One page of a run, under the integration's guard: admitted (circuit closed or this job is the
 * probe, and the single-flight lease of the run's type is free), then fetch -> map -> validate
 * -> delta -> push -> record (src/sync/page.ts), then the outcome goes to the circuit and the
 * next page is queued. Idempotent under redelivery: a page already recorded as done is not
 * processed again, and a page retried after a partial push finds the accepted part in the
 * hashes (the platform deduplicates by idempotency key in any case). A `GuardWait` means "not
 * now"; other errors go to the consumer, which decides between retry and failure.
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
  if (done) {
    // Processed before, but the next page may not have been enqueued (crash in between).
    const next = nextStep(run, message, done.nextCursor);
    if (next) await enqueuePage(env, run, next);
    return skipped("page already processed");
  }

  const integration = await findIntegration(db, run.integrationId);
  if (!integration) {
    await finishRun(db, run.id, "failed", "The integration was deleted during the run");
    return skipped("integration deleted");
  }
  const guardSettings = guardConfig(integration);
  const guard = guardOf(env, integration.id);
  // A fresh holder per delivery: a duplicate delivery of this page waits for the lease.
  const holder = `${run.id}/${message.stream}/${message.page}/${crypto.randomUUID()}`;
  const admission = await guard.admit(run.type, holder, LEASE_MS);
  if (!admission.ok) throw new GuardWait(admission.retryAt, admission.reason);

  let next: PageStep | null;
  try {
    await markRunning(db, run);
    next = await syncPage(env, config, db, run, integration, message, log);
  } catch (error) {
    const outcome = circuitOutcome(error);
    const after = await guard.finish(guardSettings, run.type, holder, outcome);
    // A transient failure that opened (or re-opened) the circuit waits for the probe instead of
    // using up a retry: an outage of any length never kills the job. Permanent ones still fail.
    const transient = !(error instanceof UpstreamError) || error.retryable;
    if (outcome.kind === "failure" && transient && after.state === "open" && after.nextProbeAt !== null) {
      throw new GuardWait(after.nextProbeAt, "circuit_open", { cause: error });
    }
    throw error;
  }
  // Give the lease back before the next page is queued, so that it is free for it.
  await guard.finish(guardSettings, run.type, holder, { kind: "success" });
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
