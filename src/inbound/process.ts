import { requireConfig } from "../config.ts";
import { type Db, getDb } from "../db/client.ts";
import type { IntegrationRow, WebhookEventRow } from "../db/schema.ts";
import { type Waiting, waiting } from "../failure/wait.ts";
import { guardOf } from "../guard/client.ts";
import { AppError } from "../http/errors.ts";
import { findIntegration } from "../integrations/store.ts";
import type { Logger } from "../observability/logger.ts";
import { OrderBody } from "../orders/schemas.ts";
import { acceptOrder } from "../orders/store.ts";
import { applyItemEvent } from "./apply.ts";
import type { InboundEventMessage } from "./event-message.ts";
import { isItemEvent, ORDER_EVENT } from "./event-types.ts";
import { findEvent, settleEvent } from "./store.ts";

/** The guard's lease under which an integration's item events are applied, one at a time. */
const EVENTS_LEASE = "webhook-events";
const EVENTS_LEASE_MS = 60_000;
/** A job finding the lease held comes back this soon: the holder is one event, done in milliseconds. */
const LEASE_RETRY_MS = 1000;

export type EventOutcome = { kind: "settled"; status: string } | { kind: "skipped" } | Waiting;

/**
 * Applies one stored event: items (products, stock, prices) through mapping, validation, delta
 * and push, one event of an integration at a time (so an older change can never land after a
 * newer one); an order into the orders path, exactly once by its number. Redelivery is safe: an
 * event no longer `received` is not applied again. Failures are thrown, for the consumer.
 */
export async function processEvent(env: Env, job: InboundEventMessage, log: Logger): Promise<EventOutcome> {
  const db = getDb(env);
  const event = await findEvent(db, job.eventId);
  if (event?.status !== "received") return { kind: "skipped" };
  const integration = await findIntegration(db, event.integrationId);
  if (!integration) {
    await settleEvent(db, event.id, "failed", { error: "The integration was deleted before the event was applied" });
    return { kind: "skipped" };
  }
  if (event.type === ORDER_EVENT) return applyOrderEvent(env, db, integration, event, log);
  if (!isItemEvent(event.type)) {
    await settleEvent(db, event.id, "rejected", { error: `Events of type ${event.type} are not processed` });
    return { kind: "skipped" };
  }

  const guard = guardOf(env, integration.id);
  const holder = `${event.id}/${crypto.randomUUID()}`;
  const admission = await guard.hold(EVENTS_LEASE, holder, EVENTS_LEASE_MS);
  if (!admission.ok) return waiting(Math.min(admission.retryAt, Date.now() + LEASE_RETRY_MS), "lease_held");
  try {
    const applied = await applyItemEvent(await requireConfig(env), db, integration, event, event.type);
    await settleEvent(db, event.id, applied.status, { outcome: { ...applied.outcome } });
    log.info("webhook event applied", {
      eventId: event.id,
      type: event.type,
      status: applied.status,
      ...counts(applied.outcome),
    });
    return { kind: "settled", status: applied.status };
  } finally {
    await guard.release(EVENTS_LEASE, holder);
  }
}

/** The platform's `order.created`: its data is an order, taken (or recognised) by its number. */
async function applyOrderEvent(
  env: Env,
  db: Db,
  integration: IntegrationRow,
  event: WebhookEventRow,
  log: Logger,
): Promise<EventOutcome> {
  const data = (event.payload as { data?: unknown })?.data ?? event.payload;
  const parsed = OrderBody.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = `not an order: ${issue ? `${issue.path.join(".") || "data"} ${issue.message}` : "invalid"}`;
    await settleEvent(db, event.id, "rejected", { error: reason });
    return { kind: "settled", status: "rejected" };
  }
  try {
    const { order, duplicate } = await acceptOrder(env, db, integration, parsed.data);
    await settleEvent(db, event.id, "processed", {
      outcome: { orderId: order.id, orderNumber: order.orderNumber, duplicate },
    });
    log.info("webhook order taken", { eventId: event.id, orderId: order.id, duplicate });
    return { kind: "settled", status: "processed" };
  } catch (error) {
    // An order whose number cannot fit the ERP is the event's answer; anything else is the
    // consumer's to read (a conflict fails the event with its reason, the queue down retries).
    if (error instanceof AppError && error.code === "VALIDATION_ERROR") {
      await settleEvent(db, event.id, "rejected", { error: error.message });
      return { kind: "settled", status: "rejected" };
    }
    throw error;
  }
}

const counts = (o: { items: number; pushed: number; unchanged: number; stale: number; rejectedCount: number }) => ({
  items: o.items,
  pushed: o.pushed,
  unchanged: o.unchanged,
  stale: o.stale,
  rejected: o.rejectedCount,
});
