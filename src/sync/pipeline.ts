import { and, eq, inArray, sql } from "drizzle-orm";
import { type Config, requireConfig } from "../config.ts";
import type { SourcePage } from "../connectors/definition.ts";
import { connectorFor } from "../connectors/instance.ts";
import { type Db, getDb, runBatch } from "../db/client.ts";
import { type IntegrationRow, type RejectedRecord, type SyncRunRow, syncPages, syncRuns } from "../db/schema.ts";
import { connectorOf } from "../integrations/patch.ts";
import { findIntegration } from "../integrations/store.ts";
import { compileMapping, mapRows } from "../mapping/engine.ts";
import { effectiveMapping } from "../mapping/store.ts";
import type { Logger } from "../observability/logger.ts";
import type { Entity } from "../platform/records.ts";
import type { SyncPageMessage } from "../queues/messages.ts";
import { type Candidate, changedSince, saveHashes, toCandidates } from "./delta.ts";
import { enqueuePage } from "./enqueue.ts";
import { PartialPushError, type PushResult, pushChanged } from "./push.ts";
import { ACTIVE_STATUSES, findRun, finishRun } from "./runs.ts";
import { cleanUpSource } from "./sources.ts";

/** How many rejected records a run keeps as a sample (all are counted). */
const REJECTED_SAMPLE_SIZE = 20;

export type PageOutcome = { kind: "processed"; last: boolean } | { kind: "skipped"; reason: string };

/**
 * One page of a run: fetch -> map -> validate -> delta -> push -> record -> enqueue the next.
 * Idempotent under redelivery: a page already recorded as done is not processed again, and a
 * page retried after a partial push finds the accepted part in the hashes (and the platform
 * deduplicates by idempotency key in any case). Errors propagate to the consumer, which
 * decides between retry and failure.
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
  await markRunning(db, run);

  const page = await fetchPage(env, config, integration, run, message);
  const entities = streamEntities(integration, run, message.stream);
  const { records, rejected } = mapRows(mappingOf(integration), page.rows, entities, {
    firstRow: page.firstRow ?? message.page * pageSizeOf(integration) + 1,
    ...decimalOption(integration),
  });
  const candidates = toCandidates(records);
  const changed = await changedSince(db, integration.id, candidates, run.force);

  let pushed: PushResult;
  try {
    pushed = await pushChanged(config, run.id, integration.merchantId, changed);
  } catch (error) {
    if (error instanceof PartialPushError) {
      await runBatch(db, saveHashes(db, integration.id, error.done.accepted, new Date()));
    }
    throw error instanceof PartialPushError ? (error.upstream ?? error) : error;
  }

  const next = nextStep(run, message, page.nextCursor);
  const rejections: RejectedRecord[] = [
    ...page.malformed.map((m) => ({
      entity: null,
      key: m.key ?? null,
      field: null,
      reason: m.reason,
      page: message.page,
      row: m.row,
    })),
    ...rejected.map((r) => ({
      entity: r.entity,
      key: r.key,
      field: r.field,
      reason: r.reason,
      page: message.page,
      row: r.row,
    })),
    ...pushed.rejected.map((r) => rejectedByPlatform(r, message.page)),
  ];
  await recordPage(db, run, message, {
    nextCursor: page.nextCursor,
    last: next === null,
    read: page.rows.length + page.malformed.length,
    changed: changed.length,
    pushed: pushed.accepted,
    rejections,
    requests: pushed.requests,
  });
  log.info("page synced", {
    runId: run.id,
    stream: message.stream,
    page: message.page,
    read: page.rows.length,
    changed: changed.length,
    pushed: pushed.accepted.length,
    rejected: rejections.length,
  });
  if (next) await enqueuePage(env, run, next);
  else await cleanUpSource(env, run);
  return { kind: "processed", last: next === null };
}

const skipped = (reason: string): PageOutcome => ({ kind: "skipped", reason });

async function fetchPage(
  env: Env,
  config: Config,
  integration: IntegrationRow,
  run: SyncRunRow,
  message: SyncPageMessage,
): Promise<SourcePage> {
  const connector = await connectorFor(env, config, integration, run.source);
  const stream = run.streams[message.stream];
  if (!stream) throw new Error(`run ${run.id} has no stream ${message.stream}`);
  return connector.fetchPage(stream, message.cursor, pageSizeOf(integration));
}

export const pageSizeOf = (integration: IntegrationRow) => Number(integration.settings.pageSize ?? 500);

/** The run's entities that this stream feeds. */
function streamEntities(integration: IntegrationRow, run: SyncRunRow, stream: number): Entity[] {
  const definition = connectorOf(integration.connector).streams.find((s) => s.name === run.streams[stream]);
  return (run.entities as Entity[]).filter((e) => definition?.entities.includes(e));
}

function mappingOf(integration: IntegrationRow) {
  return compileMapping(effectiveMapping(integration).mapping);
}

export function decimalOption(integration: IntegrationRow): { decimalSeparator?: "." | "," } {
  const separator = integration.settings.decimalSeparator;
  return separator === "," || separator === "." ? { decimalSeparator: separator } : {};
}

/** Where the run goes after this page: the next page, the next stream, or nowhere (done). */
function nextStep(run: SyncRunRow, message: SyncPageMessage, nextCursor: string | null) {
  if (nextCursor !== null) return { stream: message.stream, page: message.page + 1, cursor: nextCursor };
  if (message.stream + 1 < run.streams.length) return { stream: message.stream + 1, page: 0, cursor: null };
  return null;
}

async function markRunning(db: Db, run: SyncRunRow): Promise<void> {
  if (run.status !== "queued") return;
  const now = new Date();
  await db
    .update(syncRuns)
    .set({ status: "running", startedAt: now, updatedAt: now })
    .where(and(eq(syncRuns.id, run.id), eq(syncRuns.status, "queued")));
}

function rejectedByPlatform(r: { candidate: Candidate; reason: string }, page: number): RejectedRecord {
  return {
    entity: r.candidate.entity,
    key: r.candidate.key,
    field: null,
    reason: `platform: ${r.reason}`,
    page,
    row: null,
  };
}

/**
 * Records the page in one transaction: the hashes of what was pushed, the run's counters (and
 * its outcome after the last page), and the page marker. The counters only move if the marker
 * is new, so a page processed twice by concurrent deliveries is counted once.
 */
async function recordPage(
  db: Db,
  run: SyncRunRow,
  message: SyncPageMessage,
  page: {
    nextCursor: string | null;
    last: boolean;
    read: number;
    changed: number;
    pushed: Candidate[];
    rejections: RejectedRecord[];
    requests: number;
  },
): Promise<void> {
  const now = new Date();
  const sample = [...run.rejectedSample, ...page.rejections].slice(0, REJECTED_SAMPLE_SIZE);
  const notYetRecorded = sql`NOT EXISTS (SELECT 1 FROM sync_pages WHERE run_id = ${run.id} AND stream = ${message.stream} AND page = ${message.page})`;
  const rejectedTotal = sql`${syncRuns.itemsRejected} + ${page.rejections.length}`;
  await db.batch([
    db
      .update(syncRuns)
      .set({
        pagesDone: sql`${syncRuns.pagesDone} + 1`,
        itemsRead: sql`${syncRuns.itemsRead} + ${page.read}`,
        itemsChanged: sql`${syncRuns.itemsChanged} + ${page.changed}`,
        itemsPushed: sql`${syncRuns.itemsPushed} + ${page.pushed.length}`,
        itemsRejected: rejectedTotal,
        platformRequests: sql`${syncRuns.platformRequests} + ${page.requests}`,
        rejectedSample: sample,
        retryAt: null,
        updatedAt: now,
        ...(!page.last
          ? {}
          : {
              status: sql`CASE WHEN ${rejectedTotal} > 0 THEN 'partial' ELSE 'succeeded' END`,
              finishedAt: now,
            }),
      })
      .where(and(eq(syncRuns.id, run.id), inArray(syncRuns.status, [...ACTIVE_STATUSES]), notYetRecorded)),
    db
      .insert(syncPages)
      .values({
        runId: run.id,
        stream: message.stream,
        page: message.page,
        status: "done",
        nextCursor: page.nextCursor,
        finishedAt: now,
      })
      .onConflictDoNothing(),
    ...saveHashes(db, run.integrationId, page.pushed, now),
  ]);
}
