import { and, eq } from "drizzle-orm";
import { getDb } from "../db/client.ts";
import { webhookEvents } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import type { JobKind } from "../jobs/kind.ts";
import { kickDispatch } from "../outbound/enqueue.ts";
import { InboundEventMessage } from "./event-message.ts";
import { processEvent } from "./process.ts";
import { findEvent, settleEvent } from "./store.ts";

/** The job of one incoming webhook event (src/inbound/process.ts); it writes the event's row. */
export const inboundEventJob: JobKind<typeof InboundEventMessage> = {
  schema: InboundEventMessage,
  // Real time: sent to the priority lane (src/inbound/enqueue.ts), beside manual syncs and
  // clear of scheduled backlogs.
  queue: "sync",
  logFields: (job) => ({ eventId: job.eventId, integrationId: job.integrationId }),
  async process(env, job, log) {
    const outcome = await processEvent(env, job, log);
    if (outcome.kind === "settled") await kickDispatch(env); // what it changed is in the outbox
    return outcome.kind === "wait" ? outcome : { kind: "done" };
  },
  fail: (env, job, reason) => settleEvent(getDb(env), job.eventId, "failed", { error: reason }).then(() => undefined),
  async noteRetry(env, job, note) {
    await getDb(env)
      .update(webhookEvents)
      .set({
        ...(note.attempts !== undefined ? { attempts: note.attempts } : {}),
        error: note.error.slice(0, 2000),
        updatedAt: new Date(),
      })
      .where(eq(webhookEvents.id, job.eventId));
  },
  async deadOwner(env, job) {
    const db = getDb(env);
    const event = await findEvent(db, job.eventId);
    if (!event) return undefined;
    return {
      runId: null,
      integrationId: event.integrationId,
      merchantId: event.merchantId,
      lastError: event.error,
      attempts: event.attempts,
      markDead: (error) => settleEvent(db, event.id, "failed", { error }).then(() => undefined),
    };
  },
  async replayTarget(_env, db, job) {
    const event = await findEvent(db, job.eventId);
    if (!event) throw new AppError("CONFLICT", "This dead letter cannot be replayed: its event no longer exists");
    if (event.status !== "failed")
      throw new AppError(
        "CONFLICT",
        `Event ${event.id} is ${event.status}, not failed; replay it from /api/events/${event.id}/replay`,
      );
    const now = new Date();
    return {
      details: { eventId: event.id },
      busy: `Event ${event.id} is being applied`,
      reactivate: db
        .update(webhookEvents)
        .set({ status: "received", attempts: 0, error: null, processedAt: null, updatedAt: now })
        .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, "failed"))),
      rollback: db
        .update(webhookEvents)
        .set({ status: "failed", updatedAt: new Date() })
        .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, "received"))),
      priority: true,
    };
  },
};
