import { requireConfig } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import { retryDelaySeconds } from "./backoff.ts";
import { enqueueJob } from "./enqueue.ts";
import type { JobKind, JobOutcome, JobSchema } from "./kind.ts";

interface Delivery {
  env: Env;
  /** The queue the message came from: a job that waits goes back to the same lane. */
  queue: string;
  message: Message<unknown>;
  kind: JobKind<JobSchema>;
  job: { kind: string };
  log: Logger;
}

/** The retry settings a job falls back to when the configuration cannot be read (config.ts defaults). */
const FALLBACK_RETRY = { baseSeconds: 5, capSeconds: 900 };

/**
 * Acknowledges or retries one message after its job's outcome, with the kind's bookkeeping
 * (last error, attempts, when it comes back). Never throws — a throw would make the runtime
 * redeliver the whole batch — so a bookkeeping write or a configuration that fails turns into
 * `message.retry()`: the job is tried again, and its bookkeeping with it.
 */
export async function settle(d: Delivery, outcome: JobOutcome): Promise<void> {
  const { env, message, kind, job, log } = d;
  switch (outcome.kind) {
    case "done":
      return message.ack();
    case "wait": {
      const delaySeconds = Math.min(43_200, Math.max(1, Math.ceil((outcome.until - Date.now()) / 1000)));
      // Noted before it is re-sent: if either fails the message is retried, never sent twice.
      const failed = await firstFailure([
        () => kind.noteRetry(env, job, { error: outcome.message, retryAt: new Date(outcome.until) }),
        () => enqueueJob(env, job, { queue: kind.queue, priority: d.queue.endsWith("-priority"), delaySeconds }),
      ]);
      if (failed) return retryAfterTrouble(d, failed, delaySeconds);
      log.info("job waits for the guard", { reason: outcome.reason, delaySeconds });
      return message.ack();
    }
    case "fail": {
      log.warn("job failed permanently", { error: outcome.message });
      const failed = await firstFailure([() => kind.fail(env, job, outcome.message)]);
      if (failed) return retryAfterTrouble(d, failed, await backoff(env, message.attempts, undefined));
      return message.ack();
    }
    case "retry": {
      const delaySeconds = await backoff(env, message.attempts, outcome.retryAfterSeconds);
      log.warn("job failed; will retry", { error: outcome.message, delaySeconds });
      const retryAt = new Date(Date.now() + delaySeconds * 1000);
      const failed = await firstFailure([
        () => kind.noteRetry(env, job, { attempts: message.attempts, error: outcome.message, retryAt }),
      ]);
      if (failed) return retryAfterTrouble(d, failed, delaySeconds);
      return message.retry({ delaySeconds });
    }
  }
}

/** Capped exponential backoff with jitter, from the configured base (or the defaults, if it cannot be read). */
async function backoff(env: Env, attempts: number, retryAfterSeconds: number | undefined): Promise<number> {
  let retry = FALLBACK_RETRY;
  try {
    retry = (await requireConfig(env)).retry;
  } catch {
    // An invalid configuration is reported on every request and by /health; the job just waits.
  }
  return retryDelaySeconds(attempts, { ...retry, retryAfterSeconds });
}

/** Runs the steps in order, stopping at the first that throws; returns what it threw. */
async function firstFailure(steps: (() => Promise<unknown>)[]): Promise<{ error: unknown } | undefined> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      return { error };
    }
  }
  return undefined;
}

function retryAfterTrouble(d: Delivery, failed: { error: unknown }, delaySeconds: number): void {
  const error = failed.error instanceof Error ? failed.error.message : String(failed.error);
  d.log.error("job bookkeeping failed; will retry", { error, delaySeconds });
  d.message.retry({ delaySeconds });
}
