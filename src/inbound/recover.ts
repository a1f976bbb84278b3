import { and, asc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { webhookEvents } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { enqueueEvent } from "./enqueue.ts";

/**
 * An event stays `received` only while its job is queued or retrying; one untouched for longer
 * than the longest retry backoff (SYNC_RETRY_CAP_SECONDS, 15 min by default) lost its job — the
 * queue refused it after the event was stored — and is queued again. A duplicate job does no
 * harm: the event is applied under the integration's lease and its pushes are deltas.
 */
const STUCK_AFTER_MS = 20 * 60_000;
const BATCH = 100;

export async function requeueStuckEvents(env: Env, db: Db, now: number, log: Logger): Promise<number> {
  const stuck = await db
    .select({ id: webhookEvents.id, integrationId: webhookEvents.integrationId })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, "received"), lt(webhookEvents.updatedAt, new Date(now - STUCK_AFTER_MS))))
    .orderBy(asc(webhookEvents.updatedAt))
    .limit(BATCH)
    .all();
  if (stuck.length === 0) return 0;
  let queued = 0;
  for (const event of stuck) {
    try {
      await enqueueEvent(env, event);
      queued++;
    } catch (error) {
      log.error("stuck webhook event not queued", { eventId: event.id, error: String(error) });
      break;
    }
  }
  const ids = stuck.slice(0, queued).map((e) => e.id);
  if (ids.length > 0)
    await db
      .update(webhookEvents)
      .set({ updatedAt: new Date(now) })
      .where(inArray(webhookEvents.id, ids));
  return queued;
}
