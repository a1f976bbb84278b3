import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { integrations, syncRuns } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { startRun } from "./runs.ts";

/** Integrations examined per cron tick; the rest wait for the next minute. */
const DUE_PER_TICK = 200;
/** A running run that has not moved for this long (nor has a retry due within it) lost its worker. */
const RUNNING_STALL_MS = 60 * 60_000;
/** Queued runs may wait for a `delay` of up to 12 hours before their first page. */
const QUEUED_STALL_MS = 13 * 60 * 60_000;

/**
 * The polling cron: a full sync for every active polling or hybrid integration whose
 * `nextSyncAt` has come. Each integration's window is claimed with a conditional update of
 * `next_sync_at`, and its run carries the window as trigger key, so a cron that fires twice
 * or overlaps itself starts at most one run per window. A late cron does not catch up on
 * missed windows: the next one is a full interval from now.
 */
/** When a merchant at its cap of active runs gets its scheduled sync tried again. */
const BUSY_RETRY_MS = 60_000;

export async function enqueueDueSyncs(env: Env, db: Db, now: number, log: Logger) {
  const due = await db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.status, "active"),
        inArray(integrations.type, ["polling", "hybrid"]),
        lte(integrations.nextSyncAt, new Date(now)),
      ),
    )
    .orderBy(integrations.nextSyncAt)
    .limit(DUE_PER_TICK);

  const counts = { due: due.length, started: 0, coalesced: 0, skipped: 0, busy: 0, failed: 0 };
  for (const integration of due) {
    const window = integration.nextSyncAt as Date;
    const interval = Number(integration.settings.syncInterval ?? 300_000);
    const next = Math.max(window.getTime() + interval, now + interval);
    const claimed = await db
      .update(integrations)
      .set({ nextSyncAt: new Date(next) })
      .where(and(eq(integrations.id, integration.id), eq(integrations.nextSyncAt, window)));
    if (claimed.meta.changes !== 1) {
      counts.skipped++; // another cron invocation claimed this window
      continue;
    }
    try {
      const outcome = await startRun(env, db, integration, {
        type: "full",
        trigger: "schedule",
        triggerKey: `schedule:${window.getTime()}`,
      });
      if (outcome.kind === "busy") {
        // The merchant's runs fill its cap: try again at the next tick rather than a whole interval on.
        counts.busy++;
        await db
          .update(integrations)
          .set({ nextSyncAt: new Date(now + BUSY_RETRY_MS) })
          .where(eq(integrations.id, integration.id));
        log.warn("scheduled sync skipped: the merchant has too many active runs", {
          integrationId: integration.id,
          cap: outcome.cap,
        });
      } else counts[outcome.kind]++;
    } catch (error) {
      counts.failed++;
      log.error("scheduled sync could not start", {
        integrationId: integration.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return counts;
}

/** Fails runs that stopped moving, so that they no longer block new runs of their type. */
export async function failStalledRuns(db: Db, now: number): Promise<number> {
  const stalled = (status: "queued" | "running", ms: number) =>
    db
      .update(syncRuns)
      .set({
        status: "failed",
        lastError: sql`coalesce(${syncRuns.lastError} || '; ', '') || ${`stalled: no progress for ${Math.round(ms / 60_000)} minutes`}`,
        finishedAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(
        and(
          eq(syncRuns.status, status),
          lt(syncRuns.updatedAt, new Date(now - ms)),
          // A page waiting out a long Retry-After is not stalled until its retry is overdue too.
          or(isNull(syncRuns.retryAt), lt(syncRuns.retryAt, new Date(now - ms))),
        ),
      );
  const [running, queued] = await db.batch([stalled("running", RUNNING_STALL_MS), stalled("queued", QUEUED_STALL_MS)]);
  return running.meta.changes + queued.meta.changes;
}
