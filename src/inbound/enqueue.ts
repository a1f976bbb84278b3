import { enqueueJob } from "../jobs/enqueue.ts";
import type { InboundEventMessage } from "./event-message.ts";

/** Queues a stored event for applying, on the priority lane: webhooks are the real-time path. */
export function enqueueEvent(env: Env, event: { id: string; integrationId: string }): Promise<void> {
  const message: InboundEventMessage = { kind: "inbound.event", eventId: event.id, integrationId: event.integrationId };
  return enqueueJob(env, message, { queue: "sync", priority: true });
}
