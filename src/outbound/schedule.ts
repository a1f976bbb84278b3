import type { AttemptResult } from "./attempt.ts";

/**
 * The published retry schedule of outgoing deliveries: the first attempt at once, then seven
 * more after these waits, each stretched or shrunk by up to 20 % so that the deliveries of one
 * outage do not all return at the same instant.
 */
export const RETRY_SCHEDULE_MS = [
  5_000, // 5 s
  5 * 60_000, // 5 min
  30 * 60_000, // 30 min
  2 * 3_600_000, // 2 h
  5 * 3_600_000, // 5 h
  10 * 3_600_000, // 10 h
  10 * 3_600_000, // 10 h
] as const;

/** Attempts of one delivery before it is exhausted: the immediate one and one per scheduled wait. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
export const JITTER = 0.2;
/** A `Retry-After` is honoured up to this; a receiver asking for a week is retried after a day. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** Cloudflare Queues' longest delay: a longer wait is kept in D1 and queued again by the cron. */
export const QUEUE_MAX_DELAY_SECONDS = 43_200;
/** Answers that mean "not now" rather than "wrong": the receiver's own wait is taken as given. */
export const BACK_PRESSURE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export const RETRY_SCHEDULE_DOC =
  "8 attempts: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (each ±20 %, about 27.5 h in all); a longer Retry-After is honoured up to 24 h.";

export type NextAttempt =
  | { kind: "retry"; delayMs: number; backPressure: boolean }
  | { kind: "exhausted" }
  | { kind: "gone" }
  | { kind: "delivered" };

/**
 * What follows an attempt, given how many attempts (this one included) the delivery has had.
 *
 * - a 2xx: delivered;
 * - 410 Gone: gone, at once and whatever the count — the receiver says the endpoint is retired,
 *   and the caller disables the subscription (its events are then held, not dropped);
 * - after the 8th attempt: exhausted (redeliver or replay starts again);
 * - 429/502/503/504 (back-pressure) with a `Retry-After`: that wait, even when shorter than the
 *   schedule, since the receiver named when it can take more;
 * - anything else (other 4xx/5xx, redirects, timeouts, network errors, a refused URL): the
 *   scheduled wait with jitter, or a longer `Retry-After` when one came.
 *
 * Every wait is capped at 24 h, so no answer can park a delivery forever.
 *
 * @example
 *   const next = nextAttempt(delivery.attempts, result);
 *   if (next.kind === "retry") await scheduleAt(Date.now() + next.delayMs);
 */
export function nextAttempt(
  attemptsSoFar: number,
  result: AttemptResult,
  random: () => number = Math.random,
): NextAttempt {
  if (result.ok) return { kind: "delivered" };
  if (result.statusCode === 410) return { kind: "gone" };
  if (attemptsSoFar >= MAX_ATTEMPTS) return { kind: "exhausted" };

  // attemptsSoFar < MAX_ATTEMPTS here, so the index is inside the schedule; 0 and below count as 1.
  const index = Math.max(1, Math.floor(attemptsSoFar)) - 1;
  const scheduled = jittered(RETRY_SCHEDULE_MS[index] ?? 0, random);
  const backPressure = result.statusCode !== null && BACK_PRESSURE_STATUSES.has(result.statusCode);
  const asked =
    result.retryAfterSeconds === undefined ? undefined : Math.min(result.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);

  if (asked === undefined) return { kind: "retry", delayMs: scheduled, backPressure };
  // A `Retry-After: 0` on back-pressure still waits a moment, so a receiver cannot spin us.
  const delayMs = backPressure ? Math.max(asked, 1_000) : Math.max(asked, scheduled);
  return { kind: "retry", delayMs, backPressure };
}

/** `ms` moved by up to ±20 %, whole milliseconds. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 + (random() * 2 - 1) * JITTER));
}
