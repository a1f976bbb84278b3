import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { type DeliveryRow, deliveries, integrationEvents } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { enqueueDelivery } from "./enqueue.ts";
import { subscriptionsFor } from "./subscriptions/store.ts";

/** Events fanned out per invocation; the next kick (or the minute cron) takes the rest. */
const BATCH = 100;

/**
 * Fans the outbox out: for each event not yet dispatched, one delivery per subscription that
 * wants it — `pending` and queued for an active subscription, `held` for a disabled one (kept,
 * not dropped: replayed when it is enabled again). The unique (subscription, event) index makes
 * it idempotent, so two dispatchers racing over the same events create each delivery once and
 * queue it once. Returns how many events and deliveries it handled.
 */
export async function dispatchOutbox(env: Env, db: Db, now: number, log: Logger) {
  const events = await db
    .select()
    .from(integrationEvents)
    .where(isNull(integrationEvents.dispatchedAt))
    .orderBy(asc(integrationEvents.createdAt))
    .limit(BATCH)
    .all();
  let queued = 0;
  for (const event of events) {
    // An event about a subscription (its deliveries failing, its being disabled) is not sent to
    // that subscription itself: it would only fail along with the rest, or loop.
    const about = (event.payload as { subscriptionId?: unknown }).subscriptionId;
    const subscriptions = (await subscriptionsFor(db, event)).filter((sub) => sub.id !== about);
    const at = new Date(now);
    const rows: DeliveryRow[] = subscriptions.map((sub) => ({
      id: newId("dlv", now),
      subscriptionId: sub.id,
      eventId: event.id,
      merchantId: event.merchantId,
      integrationId: event.integrationId,
      eventType: event.type,
      status: sub.status === "active" ? "pending" : "held",
      attempts: 0,
      nextAttemptAt: sub.status === "active" ? at : null,
      lastStatusCode: null,
      lastError: null,
      createdAt: at,
      updatedAt: at,
      succeededAt: null,
    }));
    const markDispatched = db
      .update(integrationEvents)
      .set({ dispatchedAt: at })
      .where(and(eq(integrationEvents.id, event.id), isNull(integrationEvents.dispatchedAt)));
    let created: { id: string; status: DeliveryRow["status"] }[] = [];
    if (rows.length === 0) await markDispatched;
    else {
      [created] = await db.batch([
        db
          .insert(deliveries)
          .values(rows)
          .onConflictDoNothing()
          .returning({ id: deliveries.id, status: deliveries.status }),
        markDispatched,
      ]);
    }
    for (const delivery of created) {
      if (delivery.status !== "pending") continue;
      try {
        await enqueueDelivery(env, delivery.id, "scheduled");
        queued++;
      } catch (error) {
        // Still pending and due: the minute cron queues it (requeueDueDeliveries).
        log.error("delivery not queued", { deliveryId: delivery.id, error: String(error) });
      }
    }
  }
  return { events: events.length, queued };
}
