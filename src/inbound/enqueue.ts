import { enqueueJob, enqueueJobs } from "../jobs/enqueue.ts";
import type { InboundEventMessage } from "./event-message.ts";

type Queued = { id: string; integrationId: string };

const messageOf = (event: Queued): InboundEventMessage => ({
  kind: "inbound.event",
  eventId: event.id,
  integrationId: event.integrationId,
});

/** Queues a stored event for applying, on the priority lane: webhooks are the real-time path. */
export function enqueueEvent(env: Env, event: Queued): Promise<void> {
  return enqueueJob(env, messageOf(event), { queue: "sync", priority: true });
}

/** Queues stored events as enqueueEvent does, in one send per 100. */
export function enqueueEvents(env: Env, events: readonly Queued[]): Promise<void> {
  return enqueueJobs(env, events.map(messageOf), { queue: "sync", priority: true });
}
