import { and, eq } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import {
  type DeliveryRow,
  deliveries,
  deliveryAttempts,
  integrationEvents,
  type SubscriptionRow,
  webhookSubscriptions,
} from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { type AttemptResult, attemptDelivery } from "./attempt.ts";
import type { DeliveryMessage } from "./delivery-message.ts";
import { type OutboundEvent, outboxInsert } from "./emit.ts";
import { enqueueDelivery } from "./enqueue.ts";
import { deliverySlot } from "./rate.ts";
import { nextAttempt, QUEUE_MAX_DELAY_SECONDS } from "./schedule.ts";
import { signatureHeaders } from "./sign.ts";
import { disableStatement } from "./subscriptions/lifecycle.ts";
import { openSubscriptionSecrets } from "./subscriptions/secrets.ts";
import { findSubscription } from "./subscriptions/store.ts";

export type DeliveryOutcome =
  | { kind: "skipped"; reason: string }
  | { kind: "succeeded" }
  | { kind: "retrying"; delayMs: number }
  | { kind: "exhausted" }
  | { kind: "disabled"; reason: string }
  | { kind: "held" }
  | { kind: "waiting"; delayMs: number };

/**
 * One attempt of a delivery: the event signed with Standard Webhooks (its `webhook-id` is the
 * event's id, the same on every attempt, so the receiver can drop duplicates), posted with a
 * timeout and no redirects, recorded in the delivery log, and then what the answer means: done,
 * again later on the published schedule (kept in D1 when later than a queue delay can reach; the
 * cron queues it), exhausted, or — a 410 Gone, or failing for longer than
 * SUBSCRIPTION_DISABLE_AFTER_HOURS — the subscription disabled and its pending deliveries held.
 * Operational events (`delivery.failing`, `delivery.recovered`, `delivery.exhausted`,
 * `subscription.disabled`) go to the outbox in the same batch as the change they tell.
 */
export async function deliverOnce(
  env: Env,
  config: Config,
  db: Db,
  message: DeliveryMessage,
  log: Logger,
): Promise<DeliveryOutcome> {
  const now = Date.now();
  const delivery = await db.select().from(deliveries).where(eq(deliveries.id, message.deliveryId)).get();
  if (delivery?.status !== "pending") return { kind: "skipped", reason: "not pending" };
  const subscription = await findSubscription(db, delivery.subscriptionId);
  if (!subscription) {
    await db.delete(deliveries).where(eq(deliveries.id, delivery.id));
    return { kind: "skipped", reason: "subscription deleted" };
  }
  if (subscription.status !== "active") {
    await setStatus(db, delivery, { status: "held", nextAttemptAt: null });
    return { kind: "held" };
  }
  const event = await db.select().from(integrationEvents).where(eq(integrationEvents.id, delivery.eventId)).get();
  if (!event) {
    await setStatus(db, delivery, { status: "exhausted", lastError: "the event is no longer kept" });
    return { kind: "exhausted" };
  }

  const waitMs = await deliverySlot(env, config, subscription);
  if (waitMs > 0) {
    // Not an attempt: the subscription's rate limit has no slot now; the same attempt comes back then.
    await enqueueDelivery(env, delivery.id, message.trigger, Math.ceil(waitMs / 1000));
    return { kind: "waiting", delayMs: waitMs };
  }
  const body = JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload });
  const secrets = await openSubscriptionSecrets(config, db, subscription.id, new Date(now));
  const headers = await signatureHeaders(secrets, event.id, Math.floor(now / 1000), body);
  const result = await attemptDelivery(config, subscription.url, { headers, body });
  const attempts = delivery.attempts + 1;
  const attempt = attemptRow(delivery, message.trigger, result, now);
  log.info("delivery attempted", {
    deliveryId: delivery.id,
    subscriptionId: subscription.id,
    attempts,
    statusCode: result.statusCode,
    errorClass: result.errorClass,
    latencyMs: result.latencyMs,
  });

  if (result.ok) {
    await db.batch([
      db.insert(deliveryAttempts).values(attempt),
      update(db, delivery, {
        status: "succeeded",
        attempts,
        succeededAt: new Date(now),
        lastStatusCode: result.statusCode,
        lastError: null,
        nextAttemptAt: null,
      }),
      db
        .update(webhookSubscriptions)
        .set({ lastSuccessAt: new Date(now), failingSince: null, updatedAt: new Date(now) })
        .where(eq(webhookSubscriptions.id, subscription.id)),
      ...(subscription.failingSince
        ? [outboxInsert(db, operational(subscription, delivery, "delivery.recovered", attempts, result))]
        : []),
    ]);
    return { kind: "succeeded" };
  }

  const failed = { attempts, lastStatusCode: result.statusCode, lastError: result.error?.slice(0, 500) ?? null };
  const firstFailure = subscription.failingSince === null;
  const failingSince = subscription.failingSince?.getTime() ?? now;
  const failingFor = now - failingSince;
  const disableAfter = Math.max(config.outbound.disableAfterHours, 12) * 3_600_000;
  const next = nextAttempt(attempts, result);
  const statements = [
    db.insert(deliveryAttempts).values(attempt),
    db
      .update(webhookSubscriptions)
      .set({ failingSince: new Date(failingSince), updatedAt: new Date(now) })
      .where(eq(webhookSubscriptions.id, subscription.id)),
    ...(firstFailure
      ? [outboxInsert(db, operational(subscription, delivery, "delivery.failing", attempts, result))]
      : []),
  ];

  const disableReason =
    next.kind === "gone"
      ? "the endpoint answered 410 Gone"
      : failingFor >= disableAfter
        ? `deliveries failing since ${new Date(failingSince).toISOString()}`
        : null;
  if (disableReason) {
    await db.batch([
      ...statements,
      update(db, delivery, { ...failed, status: "held", nextAttemptAt: null }),
      ...disable(db, subscription, disableReason, now),
    ] as never);
    return { kind: "disabled", reason: disableReason };
  }
  if (next.kind === "exhausted") {
    await db.batch([
      ...statements,
      update(db, delivery, { ...failed, status: "exhausted", nextAttemptAt: null }),
      outboxInsert(db, operational(subscription, delivery, "delivery.exhausted", attempts, result)),
    ] as never);
    return { kind: "exhausted" };
  }
  // The schedule may be scaled (tests run it at once); a Retry-After the receiver sent never is.
  const asked = result.retryAfterSeconds === undefined ? 0 : Math.min(result.retryAfterSeconds * 1000, 86_400_000);
  const delayMs = next.kind === "retry" ? Math.max(Math.round(next.delayMs * config.outbound.scheduleScale), asked) : 0;
  await db.batch([
    ...statements,
    update(db, delivery, { ...failed, status: "pending", nextAttemptAt: new Date(now + delayMs) }),
  ] as never);
  const delaySeconds = Math.ceil(delayMs / 1000);
  // Further off than a queue delay reaches: kept in D1 as due, and queued by the cron when it is.
  if (delaySeconds <= QUEUE_MAX_DELAY_SECONDS) await enqueueDelivery(env, delivery.id, "scheduled", delaySeconds);
  return { kind: "retrying", delayMs };
}

/**
 * Statements that disable a subscription: it stops receiving, its pending deliveries are held
 * (not dropped), and `subscription.disabled` goes to the outbox.
 */
export function disable(db: Db, subscription: SubscriptionRow, reason: string, now: number) {
  return [
    disableStatement(db, subscription.id, reason, new Date(now)),
    db
      .update(deliveries)
      .set({ status: "held", nextAttemptAt: null, updatedAt: new Date(now) })
      .where(and(eq(deliveries.subscriptionId, subscription.id), eq(deliveries.status, "pending"))),
    outboxInsert(db, {
      integrationId: subscription.integrationId,
      merchantId: subscription.merchantId,
      type: "subscription.disabled",
      payload: {
        subscriptionId: subscription.id,
        reason,
        failingSince: subscription.failingSince?.toISOString() ?? null,
      },
    }),
  ] as const;
}

function operational(
  subscription: SubscriptionRow,
  delivery: DeliveryRow,
  type: "delivery.failing" | "delivery.recovered" | "delivery.exhausted",
  attempts: number,
  result: AttemptResult,
): OutboundEvent {
  return {
    integrationId: subscription.integrationId,
    merchantId: subscription.merchantId,
    type,
    payload: {
      subscriptionId: subscription.id,
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      attempts,
      lastStatusCode: result.statusCode,
      lastError: result.error,
    },
  };
}

function attemptRow(delivery: DeliveryRow, trigger: DeliveryMessage["trigger"], result: AttemptResult, now: number) {
  return {
    id: newId("att", now),
    deliveryId: delivery.id,
    subscriptionId: delivery.subscriptionId,
    at: new Date(now),
    trigger,
    statusCode: result.statusCode,
    errorClass: result.errorClass,
    error: result.error?.slice(0, 500) ?? null,
    latencyMs: result.latencyMs,
    responseBody: result.responseBody,
  };
}

/** The delivery's row, if it is still the attempt this job read (a concurrent redeliver wins). */
function update(db: Db, delivery: DeliveryRow, fields: Partial<DeliveryRow>) {
  return db
    .update(deliveries)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(deliveries.id, delivery.id), eq(deliveries.attempts, delivery.attempts)));
}

function setStatus(db: Db, delivery: DeliveryRow, fields: Partial<DeliveryRow>) {
  return update(db, delivery, fields);
}
