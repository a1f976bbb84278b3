import { failureOf } from "../failure/failure.ts";
import type { Logger } from "../observability/logger.ts";
import type { JobOutcome } from "./kind.ts";
import { JobMessage, kindOf } from "./registry.ts";
import { settle } from "./settle.ts";

/**
 * Consumer of the job queues (`igw-sync`, `igw-sync-priority`, `igw-orders`): one job per
 * message, of any registered kind, acknowledged or retried on its own.
 *
 * - done or nothing to do -> ack
 * - the guard says "not now" (circuit open, lease held, rate limit exhausted) -> ack and send the
 *   job again, delayed until then: waiting is not failing, so it uses up none of its retries
 * - a failure that will not fix itself (a 4xx upstream, unreadable credentials, an invalid
 *   stored mapping) -> the job's run (or order) fails with the reason, ack: no retries burnt
 * - anything else (network, 5xx, 429, timeouts, a D1 hiccup) -> retry with capped exponential
 *   backoff and jitter, at least as long as the upstream's Retry-After; after the queue's last
 *   retry the runtime moves the message to the dead-letter queue
 *
 * What a thrown error means is `failureOf`'s to say; nothing here throws (see `settle`).
 */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Env, log: Logger): Promise<void> {
  for (const message of batch.messages) {
    const parsed = JobMessage.safeParse(message.body);
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
    const kind = kindOf(job);
    const jobLog = log.child({ job: job.kind, attempt: message.attempts, ...kind.logFields(job) });
    const started = Date.now();
    let outcome: JobOutcome;
    try {
      outcome = await kind.process(env, job, jobLog);
    } catch (error) {
      outcome = outcomeOf(error);
    }
    await settle({ env, queue: batch.queue, message, kind, job, log: jobLog }, outcome);
    // One line per job, as the access log is one per request: what ran, for whom, how it ended.
    jobLog.info("job", { outcome: outcome.kind, durationMs: Date.now() - started });
  }
}

/** A thrown error as the job's outcome. */
export function outcomeOf(error: unknown): JobOutcome {
  const { next, message } = failureOf(error);
  return { ...next, message };
}
