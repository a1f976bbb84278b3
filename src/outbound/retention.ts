import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { deliveries, deliveryAttempts } from "../db/schema.ts";

/**
 * The delivery log is kept for DELIVERY_LOG_RETENTION_DAYS: older attempts, and deliveries that
 * succeeded before then, are deleted by the daily cron. Held, pending and exhausted deliveries
 * are kept whatever their age — they are what a replay sends.
 */
export async function purgeDeliveryLog(db: Db, days: number, now: number) {
  const before = new Date(now - days * 86_400_000);
  const [attempts, succeeded] = await db.batch([
    db.delete(deliveryAttempts).where(lt(deliveryAttempts.at, before)),
    db.delete(deliveries).where(and(eq(deliveries.status, "succeeded"), lt(deliveries.updatedAt, before))),
  ]);
  return { attempts: attempts.meta.changes, deliveries: succeeded.meta.changes };
}
