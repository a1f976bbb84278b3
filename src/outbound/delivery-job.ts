import { and, eq } from "drizzle-orm";
import { requireConfig } from "../config.ts";
import { getDb } from "../db/client.ts";
import { deliveries } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import type { JobKind } from "../jobs/kind.ts";
import { deliverOnce } from "./deliver.ts";
import { DeliveryMessage, DispatchMessage } from "./delivery-message.ts";
import { dispatchOutbox } from "./dispatch.ts";
import { kickDispatch } from "./enqueue.ts";

/**
 * The job of one attempt of an outgoing delivery (src/outbound/deliver.ts). Its retries are the
 * delivery's own published schedule, not the queue's: an attempt that fails is recorded and the
 * delivery queued again for its next time, and the message is acknowledged. A thrown error (D1
 * unavailable) is the queue's to retry like any job's.
 */
export const deliveryJob: JobKind<typeof DeliveryMessage> = {
  schema: DeliveryMessage,
  queue: "deliveries",
  logFields: (job) => ({ deliveryId: job.deliveryId, trigger: job.trigger }),
  async process(env, job, log) {
    const outcome = await deliverOnce(env, await requireConfig(env), getDb(env), job, log);
    // Operational events (failing, recovered, exhausted, disabled) are in the outbox now.
    if (outcome.kind !== "skipped" && outcome.kind !== "held" && outcome.kind !== "waiting") await kickDispatch(env);
    return { kind: "done" };
  },
  async fail(env, job, reason) {
    await getDb(env)
      .update(deliveries)
      .set({ status: "exhausted", lastError: reason.slice(0, 500), updatedAt: new Date() })
      .where(and(eq(deliveries.id, job.deliveryId), eq(deliveries.status, "pending")));
  },
  async noteRetry(env, job, note) {
    await getDb(env)
      .update(deliveries)
      .set({ lastError: note.error.slice(0, 500), updatedAt: new Date() })
      .where(eq(deliveries.id, job.deliveryId));
  },
  async deadOwner(env, job) {
    const db = getDb(env);
    const delivery = await db.select().from(deliveries).where(eq(deliveries.id, job.deliveryId)).get();
    if (!delivery) return undefined;
    return {
      runId: null,
      integrationId: delivery.integrationId ?? "",
      merchantId: delivery.merchantId,
      lastError: delivery.lastError,
      attempts: delivery.attempts,
      markDead: (error) => deliveryJob.fail(env, job, error),
    };
  },
  async replayTarget(_env, db, job) {
    const delivery = await db.select().from(deliveries).where(eq(deliveries.id, job.deliveryId)).get();
    if (!delivery) throw new AppError("CONFLICT", "This dead letter cannot be replayed: its delivery no longer exists");
    return {
      details: { deliveryId: delivery.id },
      busy: `Delivery ${delivery.id} is being attempted`,
      reactivate: db
        .update(deliveries)
        .set({ status: "pending", nextAttemptAt: new Date(), updatedAt: new Date() })
        .where(eq(deliveries.id, delivery.id)),
      rollback: db.update(deliveries).set({ status: "exhausted" }).where(eq(deliveries.id, delivery.id)),
      priority: false,
    };
  },
};

/** The job that fans the outbox out (src/outbound/dispatch.ts). Idempotent: nothing to replay. */
export const dispatchJob: JobKind<typeof DispatchMessage> = {
  schema: DispatchMessage,
  queue: "deliveries",
  logFields: () => ({}),
  async process(env, _job, log) {
    await dispatchOutbox(env, getDb(env), Date.now(), log);
    return { kind: "done" };
  },
  fail: async () => undefined,
  noteRetry: async () => undefined,
  deadOwner: async () => undefined,
  async replayTarget() {
    throw new AppError("CONFLICT", "A dispatch is not replayed: the minute cron dispatches the outbox");
  },
};
