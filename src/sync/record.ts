import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type RejectedRecord, type SyncRunRow, syncPages, syncRuns } from "../db/schema.ts";
import { itemEvents, outboxInsertIf } from "../outbound/emit.ts";
import { wantedTypes } from "../outbound/subscriptions/store.ts";
import type { Entity } from "../platform/records.ts";
import { markSeen } from "./coverage.ts";
import { type Candidate, saveHashes } from "./delta.ts";
import type { SyncPageMessage } from "./page-message.ts";
import { ACTIVE_STATUSES } from "./runs.ts";
import { commitWatermark } from "./watermarks.ts";

/** How many rejected records a run keeps as a sample (all are counted). */
const REJECTED_SAMPLE_SIZE = 20;

/**
 * Records the page in one transaction: the hashes of what was pushed, the run's counters (and
 * its outcome after the last page), the page marker, the keys read (for runs that find
 * deletions), and at the end of an incremental stream the watermark the next run starts from.
 * The counters only move if the marker is new, so a page processed twice by concurrent
 * deliveries is counted once.
 */
export async function recordPage(
  db: Db,
  run: SyncRunRow,
  message: SyncPageMessage,
  page: {
    nextCursor: string | null;
    watermark: string | null;
    /** The page read from the last complete run's watermark. */
    fromWatermark?: boolean;
    /** The stream is incremental: its end moves the integration's watermark. */
    incremental: boolean;
    last: boolean;
    read: number;
    changed: number;
    pushed: Candidate[];
    rejections: RejectedRecord[];
    requests: number;
    /** Keys read, per entity, when the run finds deletions (src/sync/coverage.ts). */
    seen?: ReadonlyMap<Entity, string[]> | undefined;
    /** Entities this page did not read completely. */
    partial?: readonly Entity[];
    /** Gone items turned off (the deletion step). */
    deactivated?: number;
    notes?: readonly string[];
  },
): Promise<void> {
  const now = new Date();
  const sample = [...run.rejectedSample, ...page.rejections].slice(0, REJECTED_SAMPLE_SIZE);
  // Pages of a run run one after the other (the guard's lease), so the run row read for this
  // page holds every earlier page's entities and notes.
  const partial = page.partial?.length ? [...new Set([...run.partialEntities, ...page.partial])] : undefined;
  const notYetRecorded = sql`NOT EXISTS (SELECT 1 FROM sync_pages WHERE run_id = ${run.id} AND stream = ${message.stream} AND page = ${message.page})`;
  const rejectedTotal = sql`${syncRuns.itemsRejected} + ${page.rejections.length}`;
  // What the page changed, and at the end the run's outcome, for outgoing webhooks: written with
  // the page, and only by the delivery that records it.
  const integration = { id: run.integrationId, merchantId: run.merchantId };
  const wanted = page.pushed.length > 0 ? await wantedTypes(db, integration) : () => false;
  const events = [
    ...itemEvents(integration, { runId: run.id }, page.pushed).filter((e) => wanted(e.type)),
    ...(page.last ? [completed(run, page, now)] : []),
  ];
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
        itemsDeactivated: sql`${syncRuns.itemsDeactivated} + ${page.deactivated ?? 0}`,
        rejectedSample: sample,
        ...(partial ? { partialEntities: partial } : {}),
        ...(page.notes?.length ? { notes: [...run.notes, ...page.notes] } : {}),
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
    // Before the page marker below, which ends `notYetRecorded`.
    ...events.map((event) =>
      outboxInsertIf(db, event, syncRuns, and(eq(syncRuns.id, run.id), notYetRecorded) as SQL, now),
    ),
    db
      .insert(syncPages)
      .values({
        runId: run.id,
        stream: message.stream,
        page: message.page,
        status: "done",
        nextCursor: page.nextCursor,
        watermark: page.watermark,
        fromWatermark: page.fromWatermark ?? false,
        finishedAt: now,
      })
      .onConflictDoNothing(),
    ...saveHashes(db, run.integrationId, page.pushed, now, page.seen ? run.id : null),
    ...(page.seen ? markSeen(db, run.integrationId, run.id, page.seen) : []),
    ...(page.incremental && page.nextCursor === null ? [commitWatermark(db, run, message.stream, now)] : []),
  ]);
}

/** `sync.completed`, with the run's totals including this last page. */
function completed(
  run: SyncRunRow,
  page: { read: number; pushed: readonly unknown[]; rejections: readonly unknown[] },
  now: Date,
) {
  const rejected = run.itemsRejected + page.rejections.length;
  return {
    integrationId: run.integrationId,
    merchantId: run.merchantId,
    type: "sync.completed",
    payload: {
      runId: run.id,
      integrationId: run.integrationId,
      syncType: run.type,
      status: rejected > 0 ? "partial" : "succeeded",
      itemsRead: run.itemsRead + page.read,
      itemsPushed: run.itemsPushed + page.pushed.length,
      itemsRejected: rejected,
      startedAt: (run.startedAt ?? run.createdAt).toISOString(),
      finishedAt: now.toISOString(),
    },
  };
}
