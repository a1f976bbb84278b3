import { and, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type DeliveryRow, deliveries, type SubscriptionRow } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { enqueueDelivery } from "./enqueue.ts";

/** Deliveries a replay puts back per call; `more` says to call again. */
export const REPLAY_BATCH = 500;

/**
 * Everything held (while the subscription was disabled) or exhausted since `since`, put back as
 * pending and queued, oldest first: nothing is delivered twice by it (a succeeded delivery is
 * not touched) and nothing held is lost. Refused while the subscription is disabled — enable it
 * first, or its deliveries would only be held again.
 */
export async function replaySince(
  env: Env,
  db: Db,
  subscription: SubscriptionRow,
  since: Date,
): Promise<{ queued: number; more: boolean }> {
  if (subscription.status !== "active")
    throw new AppError("CONFLICT", `Subscription ${subscription.id} is disabled; enable it, then replay`);
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.subscriptionId, subscription.id),
        inArray(deliveries.status, ["held", "exhausted"]),
        gte(deliveries.createdAt, since),
      ),
    )
    .orderBy(deliveries.createdAt)
    .limit(REPLAY_BATCH + 1)
    .all();
  const batch = rows.slice(0, REPLAY_BATCH).map((r) => r.id);
  if (batch.length === 0) return { queued: 0, more: false };
  const now = new Date();
  await db
    .update(deliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now })
    .where(and(inArray(deliveries.id, batch), inArray(deliveries.status, ["held", "exhausted"])));
  for (const id of batch) await enqueueDelivery(env, id, "replay");
  return { queued: batch.length, more: rows.length > REPLAY_BATCH };
}

/**
 * One delivery attempted again now, whatever its status (a succeeded one too: the receiver asked
 * for it again, and its webhook-id lets it drop a duplicate). Its attempts start over.
 */
export async function redeliver(env: Env, db: Db, delivery: DeliveryRow, subscription: SubscriptionRow) {
  if (subscription.status !== "active")
    throw new AppError("CONFLICT", `Subscription ${subscription.id} is disabled; enable it, then redeliver`);
  const now = new Date();
  const [row] = await db
    .update(deliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, succeededAt: null, updatedAt: now })
    .where(eq(deliveries.id, delivery.id))
    .returning();
  await enqueueDelivery(env, delivery.id, "manual");
  return row ?? delivery;
}
