import { and, eq, ne, type SQL, sql } from "drizzle-orm";
import { type AuditActor, auditInsertIfMatches } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { deadLetters, type WebhookEventRow, webhookEvents } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { enqueueEvent } from "./enqueue.ts";

/**
 * Applies a stored event again (after a mapping fix, a failure, or to re-push): back to
 * `received` and queued. Its items are claimed at its own version again, so a replay never
 * overwrites a newer change either. Refused while it is queued, and for types not processed.
 */
export async function replayEvent(
  env: Env,
  db: Db,
  actor: AuditActor,
  event: WebhookEventRow,
): Promise<WebhookEventRow> {
  if (event.status === "received") throw new AppError("CONFLICT", `Event ${event.id} is queued already`);
  if (event.status === "unsupported")
    throw new AppError("CONFLICT", `Event ${event.id} is of type ${event.type}, which the gateway does not process`);
  const now = new Date();
  const replayable = and(eq(webhookEvents.id, event.id), ne(webhookEvents.status, "received")) as SQL;
  const [, updated] = await db.batch([
    auditInsertIfMatches(
      db,
      actor,
      {
        action: "webhook_event.replayed",
        outcome: "success",
        merchantId: event.merchantId,
        target: { type: "webhook_event", id: event.id },
        details: { integrationId: event.integrationId, type: event.type, was: event.status },
      },
      webhookEvents,
      replayable,
    ),
    db
      .update(webhookEvents)
      .set({ status: "received", attempts: 0, error: null, outcome: null, processedAt: null, updatedAt: now })
      .where(replayable)
      .returning(),
    // A dead letter of this event is settled by this replay: replaying it later would be a 409.
    db
      .update(deadLetters)
      .set({ status: "replayed", replayedAt: now })
      .where(
        and(
          eq(deadLetters.status, "pending"),
          eq(deadLetters.integrationId, event.integrationId),
          sql`json_extract(${deadLetters.message}, '$.kind') = 'inbound.event'`,
          sql`json_extract(${deadLetters.message}, '$.eventId') = ${event.id}`,
        ),
      ),
  ]);
  const row = updated[0];
  if (!row) throw new AppError("CONFLICT", `Event ${event.id} is queued already`);
  try {
    await enqueueEvent(env, row);
  } catch (error) {
    // Still `received`: the cron queues it (src/inbound/recover.ts).
    throw new AppError("SERVICE_UNAVAILABLE", "The queue is unavailable; the event is queued by the next cron", {
      cause: error,
    });
  }
  return row;
}
