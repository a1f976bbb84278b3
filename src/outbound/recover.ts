import { and, asc, eq, inArray, lte } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { deliveries } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { enqueueDelivery } from "./enqueue.ts";

/**
 * A pending delivery due more than this long ago has no job on its way: its next attempt was
 * further off than a queue delay can reach (kept in D1 until due), or its job was lost. The
 * minute cron queues it, and moves its due time so that the next tick does not queue it again.
 */
const OVERDUE_MS = 2 * 60_000;
const BATCH = 200;

export async function requeueDueDeliveries(env: Env, db: Db, now: number, log: Logger): Promise<number> {
  const due = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.status, "pending"), lte(deliveries.nextAttemptAt, new Date(now - OVERDUE_MS))))
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(BATCH)
    .all();
  const queued: string[] = [];
  for (const { id } of due) {
    try {
      await enqueueDelivery(env, id, "scheduled");
      queued.push(id);
    } catch (error) {
      log.error("due delivery not queued", { deliveryId: id, error: String(error) });
      break;
    }
  }
  if (queued.length > 0)
    await db
      .update(deliveries)
      .set({ nextAttemptAt: new Date(now) })
      .where(inArray(deliveries.id, queued));
  return queued.length;
}
