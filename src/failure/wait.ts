/**
 * "Not now", as a value: the guard of an integration refuses a call or a page for the moment
 * (circuit open, another job probing or holding the lease, rate limit exhausted). Not a failure:
 * a job comes back at `until` without using up one of its retries.
 */
export interface Waiting {
  kind: "wait";
  /** Epoch milliseconds. */
  until: number;
  /** `circuit_open`, `probe_in_flight`, `lease_held` or `rate_limited`. */
  reason: string;
  /** What the run (or order) records as its last error meanwhile. */
  message: string;
}

export function waiting(until: number, reason: string, cause?: unknown): Waiting {
  return { kind: "wait", until, reason, message: waitMessage(until, reason, cause) };
}

/**
 * The same "not now" where a value cannot travel: thrown by the throttled `fetch` of a connector
 * (src/guard/client.ts `throttled`), which must answer a Response or throw. `failureOf` reads it
 * as a wait, so a job comes back later and a person's request is answered 429 with Retry-After.
 */
export class GuardWait extends Error {
  override name = "GuardWait";
  readonly retryAt: number;
  readonly reason: string;
  constructor(retryAt: number, reason: string, options: { cause?: unknown } = {}) {
    super(waitMessage(retryAt, reason, options.cause), options);
    this.retryAt = retryAt;
    this.reason = reason;
  }
}

function waitMessage(until: number, reason: string, cause: unknown): string {
  const because = cause instanceof Error ? ` after: ${cause.message}` : "";
  return `waiting (${reason.replace(/_/g, " ")}) until ${new Date(until).toISOString()}${because}`;
}
