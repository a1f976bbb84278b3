import { createLogger, parseLogLevel } from "../observability/logger.ts";
import { consumeDeadLetters } from "./dead-letter-consumer.ts";
import { consumeSyncJobs } from "./sync-consumer.ts";

/**
 * The `queue()` handler. Sync jobs arrive on `igw-sync` and `igw-sync-priority`, orders on
 * `igw-orders` (one consumer serves all three), dead letters
 * on `igw-sync-dlq`; each has its own consumer. Messages are acknowledged or retried one by
 * one and nothing here throws, so one bad message never makes the runtime redeliver a batch.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const log = createLogger(parseLogLevel(env.LOG_LEVEL), { queue: batch.queue });
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env, log);
  return consumeSyncJobs(batch, env, log);
}
