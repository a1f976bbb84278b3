import { and, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { deliveries, deliveryAttempts, integrationEvents } from "../db/schema.ts";

/** Outbox rows deleted per daily run at most (Workers' limits); the next day takes the rest. */
const OUTBOX_BATCH = 10_000;

/**
 * The delivery log is kept for DELIVERY_LOG_RETENTION_DAYS: older attempts, deliveries that
 * succeeded before then and fanned-out outbox events are deleted by the daily cron. Held,
 * pending and exhausted deliveries, and the events they carry, are kept whatever their age —
 * they are what a replay sends.
 */
export async function purgeDeliveryLog(db: Db, days: number, now: number) {
  const before = new Date(now - days * 86_400_000);
  const [attempts, succeeded, events] = await db.batch([
    db.delete(deliveryAttempts).where(lt(deliveryAttempts.at, before)),
    db.delete(deliveries).where(and(eq(deliveries.status, "succeeded"), lt(deliveries.updatedAt, before))),
    // Fanned-out outbox events as old, unless a delivery still to be made needs their payload.
    db.delete(integrationEvents).where(
      inArray(
        integrationEvents.id,
        db
          .select({ id: integrationEvents.id })
          .from(integrationEvents)
          .where(
            and(
              isNotNull(integrationEvents.dispatchedAt),
              lt(integrationEvents.createdAt, before),
              sql`NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = ${integrationEvents.id} AND d.status != 'succeeded')`,
            ),
          )
          .limit(OUTBOX_BATCH),
      ),
    ),
  ]);
  return { attempts: attempts.meta.changes, deliveries: succeeded.meta.changes, events: events.meta.changes };
}
