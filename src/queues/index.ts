import { createLogger, type Logger, parseLogLevel } from "../observability/logger.ts";
import { SyncMessage } from "./messages.ts";

/**
 * The `queue()` handler: dead letters and sync jobs arrive on different queues and each gets
 * its own consumer. Messages are acknowledged or retried one by one; nothing here throws, so
 * one bad message never makes the runtime redeliver its whole batch.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const log = createLogger(parseLogLevel(env.LOG_LEVEL), { queue: batch.queue });
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, log);
  return consumeSyncJobs(batch, log);
}

async function consumeSyncJobs(batch: MessageBatch<unknown>, log: Logger): Promise<void> {
  for (const message of batch.messages) {
    const parsed = SyncMessage.safeParse(message.body);
    if (!parsed.success) {
      // A body that does not parse will never parse: retrying it would only fill the DLQ.
      log.error("dropping malformed sync message", {
        messageId: message.id,
        issues: parsed.error.issues.map((i) => i.message),
      });
      message.ack();
      continue;
    }
    // The sync pipeline (fetch page -> map -> delta -> push) lands with the sync engine; until
    // then a well-formed job is acknowledged and logged so that nothing piles up.
    log.warn("sync job received but the sync engine is not installed yet", { messageId: message.id, job: parsed.data });
    message.ack();
  }
}

async function consumeDeadLetters(batch: MessageBatch<unknown>, log: Logger): Promise<void> {
  for (const message of batch.messages) {
    // Stored for operators (list, replay) once the dead-letter store exists; logged in full now.
    log.error("dead letter", { messageId: message.id, attempts: message.attempts, body: message.body });
    message.ack();
  }
}
