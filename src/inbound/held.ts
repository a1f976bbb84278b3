import { eq } from "drizzle-orm";
import { type Db, getDb } from "../db/client.ts";
import { literalRow } from "../db/conditional-insert.ts";
import { integrations, type WebhookEventRow, webhookEvents } from "../db/schema.ts";
import type { HeldRow } from "../guard/held-events.ts";
import type { Logger } from "../observability/logger.ts";
import { enqueueEvents } from "./enqueue.ts";
import { countDuplicate, findByExternalId } from "./store.ts";

/** An event as the receiver hands it to the integration's guard: a webhook_events row to be. */
export interface HeldEvent {
  id: string;
  integrationId: string;
  merchantId: string;
  externalId: string;
  type: string;
  status: "received" | "unsupported";
  version: number;
  payload: unknown;
  error: string | null;
  receivedAt: number;
}

/** What a flush of held events did. */
export interface Written {
  stored: number;
  /**
   * Events not stored: D1 already had them (a sender's retry from beyond the guard's dedupe
   * window; counted on the stored one), or their integration was deleted meanwhile.
   */
  notStored: number;
  queued: number;
}

/**
 * Writes events the guard held to D1 in one batch, then queues the stored ones for applying.
 * An event D1 already has (its sender retried it after the guard's dedupe window) is counted as
 * a duplicate of the stored one, not stored twice; one whose integration is gone is dropped. A failed write throws and the guard keeps the
 * events for its next try; a failed send is only logged, since the event is stored `received`
 * and the cron queues it again (src/inbound/recover.ts).
 */
export async function writeHeldEvents(env: Env, rows: readonly HeldRow[], log: Logger): Promise<Written> {
  const db = getDb(env);
  const events = rows.map((row) => ({ held: JSON.parse(row.body) as HeldEvent, row }));
  // Written only while the integration exists: one deleted after the answer takes its events along.
  const inserts = events.map(({ held, row }) =>
    db
      .insert(webhookEvents)
      .select(
        db
          .select(literalRow(webhookEvents, toRow(held, row)))
          .from(integrations)
          .where(eq(integrations.id, held.integrationId))
          .limit(1) as never,
      )
      .onConflictDoNothing(),
  );
  const [first, ...rest] = inserts;
  const results = first ? await db.batch([first, ...rest]) : [];
  const written: Written = { stored: 0, notStored: 0, queued: 0 };
  const stored: HeldEvent[] = [];
  for (const [i, { held, row }] of events.entries()) {
    if (results[i]?.meta.changes === 1) {
      written.stored++;
      if (held.status === "received") stored.push(held);
      continue;
    }
    written.notStored++;
    await countOnStored(db, held, row);
  }
  try {
    await enqueueEvents(env, stored);
    written.queued = stored.length;
  } catch (error) {
    log.error("webhook events stored but not queued", { events: stored.map((e) => e.id), error: String(error) });
  }
  return written;
}

function toRow(held: HeldEvent, row: HeldRow): WebhookEventRow {
  const receivedAt = new Date(held.receivedAt);
  return {
    ...held,
    outcome: null,
    attempts: 0,
    duplicates: row.duplicates,
    processedAt: null,
    lastDuplicateAt: row.lastDuplicateAt === null ? null : new Date(row.lastDuplicateAt),
    updatedAt: receivedAt,
    receivedAt,
  };
}

/** The held delivery and its own duplicates, counted on the event D1 already had. */
async function countOnStored(db: Db, held: HeldEvent, row: HeldRow) {
  const known = await findByExternalId(db, held.integrationId, held.externalId);
  if (known) await countDuplicate(db, known.id, new Date(row.lastDuplicateAt ?? held.receivedAt), row.duplicates + 1);
}
