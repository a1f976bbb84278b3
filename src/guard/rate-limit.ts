/**
 * Token buckets per integration: `requests` per `perMs`, with bursts up to `requests`. A caller
 * reserves the next slot and is told how long to wait for it, so concurrent consumers are
 * spaced exactly (the Durable Object serialises them). An upstream 429/503 pauses everyone.
 *
 * Each integration has two budgets. `sync` is for the work the merchant relies on — sync pages
 * and order exports. `interactive` is a small one for calls a person triggers from the API —
 * mapping previews and connection tests. They share no tokens, so no number of previews can
 * make a sync call wait; the merchant's system sees at most the sum of both.
 */
export const BUDGETS = ["sync", "interactive"] as const;
export type Budget = (typeof BUDGETS)[number];

export interface Bucket {
  tokens: number;
  updatedAt: number;
  pausedUntil: number;
}

export interface RateSettings {
  requests: number;
  perMs: number;
}

export const fullBucket = (settings: RateSettings, now: number): Bucket => ({
  tokens: settings.requests,
  updatedAt: now,
  pausedUntil: 0,
});

/**
 * Reserves one call. Returns how long the caller must wait before making it. A reservation that
 * would wait longer than `maxWaitMs` is not taken: the caller should come back later (and the
 * answer says when).
 */
export function reserve(
  b: Bucket,
  settings: RateSettings,
  now: number,
  maxWaitMs: number,
): { waitMs: number; granted: boolean } {
  refill(b, settings, now);
  const rate = settings.requests / settings.perMs;
  const waitForToken = b.tokens >= 1 ? 0 : (1 - b.tokens) / rate;
  const waitMs = Math.ceil(Math.max(waitForToken, b.pausedUntil - now, 0));
  if (waitMs > maxWaitMs) return { waitMs, granted: false };
  b.tokens -= 1; // may go negative: that is the queue of reservations
  return { waitMs, granted: true };
}

/** An upstream asked for quiet until `until` (Retry-After). */
export function pause(b: Bucket, until: number): void {
  b.pausedUntil = Math.max(b.pausedUntil, until);
}

/** Adds the tokens earned since the bucket was last touched. */
export function refill(b: Bucket, settings: RateSettings, now: number): void {
  const elapsed = Math.max(0, now - b.updatedAt);
  b.tokens = Math.min(settings.requests, b.tokens + (elapsed * settings.requests) / settings.perMs);
  b.updatedAt = now;
}

/** The buckets of one integration, one per budget. */
export type Buckets = Record<Budget, Bucket>;

/**
 * Reserves one call in `budget`'s bucket only: the other bucket is not read, not refilled,
 * not charged.
 */
export function reserveIn(
  buckets: Buckets,
  budget: Budget,
  settings: Record<Budget, RateSettings>,
  now: number,
  maxWaitMs: number,
): { waitMs: number; granted: boolean } {
  return reserve(buckets[budget], settings[budget], now, maxWaitMs);
}

/** The merchant's system asked for quiet: both budgets wait, whoever's call it answered. */
export function pauseAll(buckets: Buckets, until: number): void {
  for (const budget of BUDGETS) pause(buckets[budget], until);
}
