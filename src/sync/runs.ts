import { and, count, eq, inArray, type SQL } from "drizzle-orm";
import { requireConfig } from "../config.ts";
import { connectorOf } from "../connectors/index.ts";
import type { Db } from "../db/client.ts";
import { insertWhileFewer } from "../db/conditional-insert.ts";
import { newId } from "../db/ids.ts";
import { type IntegrationRow, type RUN_TRIGGERS, type SyncRunRow, syncRuns } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { outboxInsert } from "../outbound/emit.ts";
import { enqueuePage } from "./enqueue.ts";
import { planRun, type SyncType } from "./plan.ts";

export const ACTIVE_STATUSES = ["queued", "running"] as const;

export interface StartRunRequest {
  type: SyncType;
  trigger: (typeof RUN_TRIGGERS)[number];
  priority?: number;
  delaySeconds?: number;
  force?: boolean;
  /** Read from here instead of the integration's configured source (e.g. `upload:upl_…`). */
  source?: string;
  /** Makes the trigger idempotent: a second start with the same key returns the first run. */
  triggerKey?: string;
}

/** What starting a run came to: a new run, the active one of its type, or no room for it now. */
export type StartOutcome =
  | { kind: "started"; run: SyncRunRow }
  | { kind: "coalesced"; run: SyncRunRow }
  | { kind: "busy"; cap: number };

/**
 * Starts a run and enqueues its first page — or, while a run of the same type is queued or
 * running, returns that one (`coalesced`) — or, when the merchant already has
 * MAX_ACTIVE_RUNS_PER_MERCHANT runs queued or running, starts nothing (`busy`): one merchant's
 * burst of syncs must not fill the queues that every merchant shares. The insert counts and
 * writes in one statement, and the partial unique index on active runs makes coalescing safe
 * against concurrent triggers.
 */
export async function startRun(
  env: Env,
  db: Db,
  integration: IntegrationRow,
  request: StartRunRequest,
): Promise<StartOutcome> {
  const { streams, entities } = planRun(connectorOf(integration.connector), request.type);
  const cap = (await requireConfig(env)).limits.activeRunsPerMerchant;
  const now = new Date();
  const run: SyncRunRow = {
    id: newId("run"),
    integrationId: integration.id,
    merchantId: integration.merchantId,
    type: request.type,
    trigger: request.trigger,
    triggerKey: request.triggerKey ?? null,
    status: "queued",
    priority: request.priority ?? 0,
    force: request.force ?? false,
    source: request.source ?? null,
    streams,
    entities,
    pagesDone: 0,
    itemsRead: 0,
    itemsChanged: 0,
    itemsPushed: 0,
    itemsRejected: 0,
    platformRequests: 0,
    itemsDeactivated: 0,
    partialEntities: [],
    notes: [],
    rejectedSample: [],
    attempts: 0,
    lastError: null,
    retryAt: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  };
  const insert = () =>
    insertWhileFewer(db, syncRuns, run, activeOf(integration.merchantId) as SQL, cap).onConflictDoNothing();
  if ((await insert()).meta.changes !== 1) {
    const existing = await findExistingRun(db, integration.id, request);
    if (existing) return { kind: "coalesced", run: existing };
    if ((await activeRunCount(db, integration.merchantId)) >= cap) return { kind: "busy", cap };
    // The active run finished between our insert and our look-up: try once more.
    if ((await insert()).meta.changes !== 1)
      throw new AppError("CONFLICT", "A run of this type was started at the same moment; try again");
  }
  try {
    await enqueuePage(env, run, { stream: 0, page: 0, cursor: null }, request.delaySeconds ?? 0);
  } catch (error) {
    await finishRun(
      db,
      run.id,
      "failed",
      `Could not enqueue the run: ${error instanceof Error ? error.message : error}`,
    );
    throw new AppError("SERVICE_UNAVAILABLE", "The sync queue is unavailable; try again shortly", { cause: error });
  }
  return { kind: "started", run };
}

/** How long an API caller is told to wait when the merchant has no room for another run. */
export const BUSY_RETRY_SECONDS = 30;

/** For the API: the run started or coalesced, or a 429 saying the merchant has too many active runs. */
export function startedOrLimited(outcome: StartOutcome, merchantId: string): { run: SyncRunRow; coalesced: boolean } {
  if (outcome.kind !== "busy") return { run: outcome.run, coalesced: outcome.kind === "coalesced" };
  throw new AppError(
    "RATE_LIMITED",
    `Merchant ${merchantId} already has ${outcome.cap} sync runs queued or running (MAX_ACTIVE_RUNS_PER_MERCHANT); try again when one has finished`,
    { headers: { "Retry-After": String(BUSY_RETRY_SECONDS) } },
  );
}

const activeOf = (merchantId: string) =>
  and(eq(syncRuns.merchantId, merchantId), inArray(syncRuns.status, [...ACTIVE_STATUSES]));

async function activeRunCount(db: Db, merchantId: string): Promise<number> {
  const row = await db.select({ n: count() }).from(syncRuns).where(activeOf(merchantId)).get();
  return row?.n ?? 0;
}

async function findExistingRun(db: Db, integrationId: string, request: StartRunRequest) {
  if (request.triggerKey) {
    const byKey = await db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.triggerKey, request.triggerKey)))
      .get();
    if (byKey) return byKey;
  }
  return findActiveRun(db, integrationId, request.type);
}

export function findActiveRun(db: Db, integrationId: string, type: SyncType) {
  return db
    .select()
    .from(syncRuns)
    .where(
      and(
        eq(syncRuns.integrationId, integrationId),
        eq(syncRuns.type, type),
        inArray(syncRuns.status, [...ACTIVE_STATUSES]),
      ),
    )
    .get();
}

export function findRun(db: Db, id: string) {
  return db.select().from(syncRuns).where(eq(syncRuns.id, id)).get();
}

/** Ends a run that is still active; a run already finished keeps its outcome. */
export async function finishRun(db: Db, runId: string, status: "failed" | "dead", error: string): Promise<boolean> {
  const now = new Date();
  const result = await db
    .update(syncRuns)
    .set({ status, lastError: error.slice(0, 2000), finishedAt: now, updatedAt: now })
    .where(and(eq(syncRuns.id, runId), inArray(syncRuns.status, [...ACTIVE_STATUSES])))
    .returning();
  const run = result[0];
  if (!run) return false;
  // For outgoing webhooks; a lost write here loses the notice, never the run's outcome.
  await outboxInsert(
    db,
    {
      integrationId: run.integrationId,
      merchantId: run.merchantId,
      type: "sync.failed",
      payload: { runId: run.id, integrationId: run.integrationId, syncType: run.type, status, error: run.lastError },
    },
    now,
  );
  return true;
}
