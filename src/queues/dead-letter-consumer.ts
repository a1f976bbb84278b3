import { getDb } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { deadLetters } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import { findRun, finishRun } from "../sync/runs.ts";
import { SyncMessage } from "./messages.ts";

/**
 * Consumer of the dead-letter queue: every job that failed its last retry is stored with the
 * last error its run recorded, where an operator can list it, see why, and replay it; its run
 * is marked `dead`. Even an unreadable body is kept, so nothing disappears silently.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, log: Logger): Promise<void> {
  const db = getDb(env);
  for (const message of batch.messages) {
    const parsed = SyncMessage.safeParse(message.body);
    const run = parsed.success ? await findRun(db, parsed.data.runId) : undefined;
    const error =
      run?.lastError ?? (parsed.success ? "unknown (the run recorded no error)" : "the message body is not a sync job");
    await db.insert(deadLetters).values({
      id: newId("dlq"),
      runId: run?.id ?? null,
      integrationId: run?.integrationId ?? null,
      merchantId: run?.merchantId ?? null,
      queue: batch.queue,
      message: message.body,
      error,
      attempts: Math.max(run?.attempts ?? 0, message.attempts),
      status: "pending",
      createdAt: new Date(),
      replayedAt: null,
    });
    if (run) await finishRun(db, run.id, "dead", error);
    log.error("dead letter stored", { messageId: message.id, runId: run?.id, error });
    message.ack();
  }
}
