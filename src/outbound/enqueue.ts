import { enqueueJob } from "../jobs/enqueue.ts";
import type { DeliveryMessage, DispatchMessage } from "./delivery-message.ts";

/** Queues an attempt of a delivery, now or after `delaySeconds` (at most the queue's 12 h). */
export function enqueueDelivery(
  env: Env,
  deliveryId: string,
  trigger: DeliveryMessage["trigger"],
  delaySeconds = 0,
): Promise<void> {
  const message: DeliveryMessage = { kind: "outbound.delivery", deliveryId, trigger };
  return enqueueJob(env, message, { queue: "deliveries", delaySeconds });
}

/**
 * Asks for the outbox to be fanned out soon, after writing events to it. Best effort: when the
 * queue refuses, the minute cron dispatches the outbox anyway.
 */
export async function kickDispatch(env: Env): Promise<void> {
  const message: DispatchMessage = { kind: "outbound.dispatch" };
  await enqueueJob(env, message, { queue: "deliveries" }).catch(() => undefined);
}
