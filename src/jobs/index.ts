import { createLogger, parseLogLevel } from "../observability/logger.ts";
import { consumeJobs } from "./consumer.ts";
import { consumeDeadLetters } from "./dead-letters/consumer.ts";

/**
 * The `queue()` handler. Jobs arrive on `igw-sync` and `igw-sync-priority` (sync pages) and
 * `igw-orders` (orders), all served by one consumer; dead letters of every kind on
 * `igw-sync-dlq`. Messages are acknowledged or retried one by one and the job consumer never
 * throws, so one bad message never makes the runtime redeliver a batch.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const log = createLogger(parseLogLevel(env.LOG_LEVEL), { queue: batch.queue });
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env, log);
  return consumeJobs(batch, env, log);
}
