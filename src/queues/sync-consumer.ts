import { requireConfig } from "../config.ts";
import { GuardWait } from "../guard/client.ts";
import { AppError } from "../http/errors.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import type { Logger } from "../observability/logger.ts";
import { retryDelaySeconds } from "./backoff.ts";
import { jobKind } from "./jobs.ts";
import { SyncMessage } from "./messages.ts";

/**
 * Consumer of the sync queues: one job per message (a sync page, or an order to write into the
 * ERP), acknowledged or retried on its own.
 *
 * - done or nothing to do -> ack
 * - the guard says "not now" (circuit open, lease held, rate limit exhausted) -> ack and send the
 *   job again, delayed until then: waiting is not failing, so it uses up none of its retries
 * - a failure that will not fix itself (a 4xx upstream, unreadable credentials, an invalid
 *   stored mapping) -> the run (or order) fails with the reason, ack: no retries burnt
 * - anything else (network, 5xx, 429, timeouts, a D1 hiccup) -> retry with capped exponential
 *   backoff and jitter, at least as long as the upstream's Retry-After; after the queue's last
 *   retry the runtime moves the message to the dead-letter queue
 */
export async function consumeSyncJobs(batch: MessageBatch<unknown>, env: Env, log: Logger): Promise<void> {
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
    const job = parsed.data;
    const kind = jobKind(job);
    const jobLog = log.child({
      job: job.kind,
      attempt: message.attempts,
      ...("runId" in job ? { runId: job.runId, page: job.page } : { orderId: job.orderId }),
    });
    try {
      await kind.process(env, job, jobLog);
      message.ack();
    } catch (error) {
      if (error instanceof GuardWait) {
        await waitForGuard(env, batch.queue, job, error, jobLog);
        message.ack();
        continue;
      }
      const failure = classify(error);
      if (!failure.retryable) {
        jobLog.warn("job failed permanently", { error: failure.message });
        await kind.fail(env, job, failure.message);
        message.ack();
        continue;
      }
      const { retry } = await requireConfig(env);
      const delaySeconds = retryDelaySeconds(message.attempts, {
        ...retry,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
      jobLog.warn("job failed; will retry", { error: failure.message, delaySeconds });
      await kind.note(env, job, {
        attempts: message.attempts,
        error: failure.message,
        retryAt: new Date(Date.now() + delaySeconds * 1000),
      });
      message.retry({ delaySeconds });
    }
  }
}

function classify(error: unknown): { retryable: boolean; message: string; retryAfterSeconds?: number | undefined } {
  if (error instanceof UpstreamError) {
    return { retryable: error.retryable, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof AppError) {
    // Unreadable credentials or an invalid stored mapping will not heal by waiting; a
    // misconfigured gateway or a passing outage may (an operator fixes the configuration).
    const permanent = error.code === "CREDENTIALS_UNREADABLE" || error.status < 500;
    return { retryable: !permanent, message: error.message };
  }
  return { retryable: true, message: error instanceof Error ? error.message : String(error) };
}

/** Puts a job back on its queue until the guard's time, and notes why it waits. */
async function waitForGuard(env: Env, queue: string, job: SyncMessage, wait: GuardWait, log: Logger): Promise<void> {
  const delaySeconds = Math.min(43_200, Math.max(1, Math.ceil((wait.retryAt - Date.now()) / 1000)));
  const target =
    job.kind === "order.export"
      ? env.ORDER_QUEUE
      : queue.endsWith("-priority")
        ? env.SYNC_QUEUE_PRIORITY
        : env.SYNC_QUEUE;
  await target.send(job, { delaySeconds });
  log.info("job waits for the guard", { reason: wait.reason, delaySeconds });
  await jobKind(job).note(env, job, { error: wait.message, retryAt: new Date(wait.retryAt) });
}
