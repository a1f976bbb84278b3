import { and, count, eq, gte, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import {
  deliveries,
  type IntegrationHealthRow,
  type IntegrationRow,
  syncRuns,
  webhookEvents,
  webhookSubscriptions,
} from "../db/schema.ts";
import { guardOf } from "../guard/client.ts";
import type { FreshnessPercentiles } from "./freshness.ts";

/** What the alert rules of one integration look at, measured now. */
export interface Signals {
  /** Runs created in the window that have finished, and of those the failed or dead ones. */
  runs: { finished: number; failed: number };
  /** The last health check, if one has run. */
  health: Pick<IntegrationHealthRow, "status" | "latencyMs" | "consecutiveFailures" | "checkedAt"> | null;
  circuit: "closed" | "open" | "half_open";
  /** Queued sync runs plus received webhook events not yet applied. */
  queued: number;
  freshnessP95Seconds: number | null;
  /** Outgoing deliveries of the integration's events in the window, exhausted or failing. */
  failedDeliveries: number;
}

/** Where the signals come from; `freshness` is injected (src/alerts/freshness.ts in production). */
export interface SignalSources {
  env: Pick<Env, "INTEGRATION_GUARD">;
  db: Db;
  freshness: FreshnessPercentiles;
}

const FINISHED = ["succeeded", "partial", "failed", "dead"] as const;

/**
 * Measures one integration over `[now - windowMs, now]`. Every query is one integration's,
 * through its indexes (runs and events by integration and time, deliveries by subscription).
 */
export async function signalsOf(
  sources: SignalSources,
  integration: IntegrationRow,
  health: IntegrationHealthRow | undefined,
  now: number,
  windowMs: number,
): Promise<Signals> {
  const { db } = sources;
  const from = new Date(now - windowMs);
  const [runs, queuedRuns, queuedEvents, failedDeliveries] = await db.batch([
    db
      .select({
        finished: sql<number>`sum(CASE WHEN ${inArray(syncRuns.status, [...FINISHED])} THEN 1 ELSE 0 END)`,
        failed: sql<number>`sum(CASE WHEN ${inArray(syncRuns.status, ["failed", "dead"])} THEN 1 ELSE 0 END)`,
      })
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integration.id), gte(syncRuns.createdAt, from))),
    db
      .select({ n: count() })
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integration.id), eq(syncRuns.status, "queued"))),
    db
      .select({ n: count() })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.integrationId, integration.id), eq(webhookEvents.status, "received"))),
    db
      .select({ n: count() })
      .from(deliveries)
      .where(
        and(
          inArray(
            deliveries.subscriptionId,
            db
              .select({ id: webhookSubscriptions.id })
              .from(webhookSubscriptions)
              .where(
                or(
                  eq(webhookSubscriptions.integrationId, integration.id),
                  and(
                    isNull(webhookSubscriptions.integrationId),
                    eq(webhookSubscriptions.merchantId, integration.merchantId),
                  ),
                ),
              ),
          ),
          gte(deliveries.createdAt, from),
          eq(deliveries.integrationId, integration.id),
          or(
            eq(deliveries.status, "exhausted"),
            and(eq(deliveries.status, "pending"), sql`${deliveries.attempts} > 0`),
          ),
        ),
      ),
  ]);
  const [circuit, freshness] = await Promise.all([
    guardOf(sources.env, integration.id).ping(),
    sources.freshness(db, { integrationId: integration.id }, now - windowMs, now),
  ]);
  // The last check stands until the next one, however long that takes (a check in flight, an open
  // circuit deferring it): a missing measurement must not resolve an alert and fire it again.
  const last = health?.checkedAt ? health : null;
  return {
    runs: { finished: Number(runs[0]?.finished ?? 0), failed: Number(runs[0]?.failed ?? 0) },
    health: last,
    circuit: circuit.circuit,
    queued: (queuedRuns[0]?.n ?? 0) + (queuedEvents[0]?.n ?? 0),
    freshnessP95Seconds: freshness.samples > 0 ? freshness.p95Seconds : null,
    failedDeliveries: failedDeliveries[0]?.n ?? 0,
  };
}

/** The system's queue: every queued sync run and every received, unapplied webhook event. */
export async function systemQueued(db: Db): Promise<number> {
  const [runs, events] = await db.batch([
    db.select({ n: count() }).from(syncRuns).where(eq(syncRuns.status, "queued")),
    db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.status, "received")),
  ]);
  return (runs[0]?.n ?? 0) + (events[0]?.n ?? 0);
}
