import { getDb } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import { deadLetters } from "../../db/schema.ts";
import type { Logger } from "../../observability/logger.ts";
import { JobMessage, kindOf } from "../registry.ts";

/**
 * Consumer of the dead-letter queue: every job that failed its last retry is stored with the
 * last error its run (or order, ...) recorded, where an operator can list it, see why, and
 * replay it; what it belonged to is marked dead by its kind (a run `dead`, an order `failed`).
 * Even an unreadable body is kept, so nothing disappears silently; a letter that cannot be
 * stored now is retried on its own.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, log: Logger): Promise<void> {
  for (const message of batch.messages) {
    try {
      await storeDeadLetter(env, batch.queue, message, log);
      message.ack();
    } catch (error) {
      // D1 unavailable: this letter comes back later; the others of the batch are not redelivered.
      log.error("could not store a dead letter; will retry", {
        messageId: message.id,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry();
    }
  }
}

async function storeDeadLetter(env: Env, queue: string, message: Message<unknown>, log: Logger): Promise<void> {
  const db = getDb(env);
  const parsed = JobMessage.safeParse(message.body);
  const owner = parsed.success ? await kindOf(parsed.data).deadOwner(env, parsed.data) : undefined;
  const error =
    owner?.lastError ??
    (parsed.success ? "unknown (the job recorded no error)" : "the message body is not a job the gateway knows");
  await db.insert(deadLetters).values({
    id: newId("dlq"),
    runId: owner?.runId ?? null,
    integrationId: owner?.integrationId ?? null,
    merchantId: owner?.merchantId ?? null,
    queue,
    message: message.body,
    error,
    attempts: Math.max(owner?.attempts ?? 0, message.attempts),
    status: "pending",
    createdAt: new Date(),
    replayedAt: null,
  });
  await owner?.markDead(error);
  log.error("dead letter stored", { messageId: message.id, runId: owner?.runId, error });
}
