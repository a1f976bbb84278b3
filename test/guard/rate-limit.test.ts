import { describe, expect, it } from "vitest";
import {
  type Bucket,
  type Buckets,
  type Budget,
  fullBucket,
  pause,
  pauseAll,
  type RateSettings,
  reserve,
  reserveIn,
} from "../../src/guard/rate-limit.ts";

const T0 = 1_700_000_000_000;
const fivePerSecond: RateSettings = { requests: 5, perMs: 1000 };
const NO_LIMIT = Number.POSITIVE_INFINITY;

/** The waits of `n` reservations made at `now`, one after the other. */
function waits(b: Bucket, settings: RateSettings, now: number, n: number, maxWaitMs = NO_LIMIT): number[] {
  return Array.from({ length: n }, () => reserve(b, settings, now, maxWaitMs).waitMs);
}

describe("reserve", () => {
  it("grants a full bucket's `requests` calls at once without waiting", () => {
    const b = fullBucket(fivePerSecond, T0);
    expect(b).toEqual({ tokens: 5, updatedAt: T0, pausedUntil: 0 });
    for (let i = 0; i < 5; i++) expect(reserve(b, fivePerSecond, T0, 0)).toEqual({ waitMs: 0, granted: true });
  });

  it("spaces the reservations after the burst exactly 1/rate apart", () => {
    const b = fullBucket(fivePerSecond, T0);
    expect(waits(b, fivePerSecond, T0, 8)).toEqual([0, 0, 0, 0, 0, 200, 400, 600]);
  });

  it("spaces per-minute limits the same way", () => {
    const perMinute: RateSettings = { requests: 2, perMs: 60_000 };
    const b = fullBucket(perMinute, T0);
    expect(waits(b, perMinute, T0, 4)).toEqual([0, 0, 30_000, 60_000]);
  });

  it("refills with time, never above `requests`", () => {
    const b = fullBucket(fivePerSecond, T0);
    waits(b, fivePerSecond, T0, 5);
    // 400 ms later two tokens are back.
    expect(waits(b, fivePerSecond, T0 + 400, 3)).toEqual([0, 0, 200]);
    // Long after, the bucket holds `requests` again, not more.
    expect(waits(b, fivePerSecond, T0 + 60_000, 6)).toEqual([0, 0, 0, 0, 0, 200]);
  });

  it("counts the queued reservations against the refill", () => {
    const b = fullBucket(fivePerSecond, T0);
    waits(b, fivePerSecond, T0, 7); // the last two wait 200 and 400 ms
    // 100 ms later the next slot is at 600 ms from T0.
    expect(reserve(b, fivePerSecond, T0 + 100, NO_LIMIT)).toEqual({ waitMs: 500, granted: true });
  });

  it("does not grant, nor take a token for, a reservation that would wait longer than maxWaitMs", () => {
    const b = fullBucket(fivePerSecond, T0);
    waits(b, fivePerSecond, T0, 5);
    expect(reserve(b, fivePerSecond, T0, 199)).toEqual({ waitMs: 200, granted: false });
    expect(reserve(b, fivePerSecond, T0, 199)).toEqual({ waitMs: 200, granted: false });
    // Nothing was taken by the refusals: the next slot is still 200 ms away.
    expect(reserve(b, fivePerSecond, T0, 200)).toEqual({ waitMs: 200, granted: true });
    expect(reserve(b, fivePerSecond, T0, NO_LIMIT)).toEqual({ waitMs: 400, granted: true });
  });

  it("applies a lowered limit at once", () => {
    const b = fullBucket({ requests: 100, perMs: 1000 }, T0);
    const lowered: RateSettings = { requests: 1, perMs: 1000 };
    expect(waits(b, lowered, T0 + 1, 3)).toEqual([0, 1000, 2000]);
  });
});

describe("pause", () => {
  it("makes every reservation wait until the pause ends, even with tokens left", () => {
    const b = fullBucket(fivePerSecond, T0);
    pause(b, T0 + 3000);
    expect(b.pausedUntil).toBe(T0 + 3000);
    expect(reserve(b, fivePerSecond, T0, NO_LIMIT)).toEqual({ waitMs: 3000, granted: true });
    expect(reserve(b, fivePerSecond, T0 + 1000, NO_LIMIT)).toEqual({ waitMs: 2000, granted: true });
    expect(reserve(b, fivePerSecond, T0 + 3000, 0)).toEqual({ waitMs: 0, granted: true });
  });

  it("refuses reservations that would outlast maxWaitMs because of the pause, taking no token", () => {
    const b = fullBucket(fivePerSecond, T0);
    pause(b, T0 + 10_000);
    expect(reserve(b, fivePerSecond, T0, 1000)).toEqual({ waitMs: 10_000, granted: false });
    expect(b.tokens).toBe(5);
  });

  it("waits for whichever is later, the pause or the next token", () => {
    const b = fullBucket(fivePerSecond, T0);
    waits(b, fivePerSecond, T0, 8); // slots queued up to 600 ms
    pause(b, T0 + 100);
    expect(reserve(b, fivePerSecond, T0, NO_LIMIT).waitMs).toBe(800);
    pause(b, T0 + 5000);
    expect(reserve(b, fivePerSecond, T0, NO_LIMIT).waitMs).toBe(5000);
  });

  it("never shortens an existing pause", () => {
    const b = fullBucket(fivePerSecond, T0);
    pause(b, T0 + 10_000);
    pause(b, T0 + 2000);
    expect(b.pausedUntil).toBe(T0 + 10_000);
    expect(reserve(b, fivePerSecond, T0, NO_LIMIT).waitMs).toBe(10_000);
    pause(b, T0 + 20_000);
    expect(b.pausedUntil).toBe(T0 + 20_000);
  });
});

describe("two budgets: reserveIn and pauseAll", () => {
  const rates: Record<Budget, RateSettings> = {
    sync: { requests: 10, perMs: 1000 },
    interactive: { requests: 2, perMs: 10_000 },
  };
  const fresh = (): Buckets => ({ sync: fullBucket(rates.sync, T0), interactive: fullBucket(rates.interactive, T0) });

  it("charges only the budget asked for: interactive reservations leave the sync bucket as it was", () => {
    const b = fresh();
    const syncBefore = structuredClone(b.sync);
    for (let i = 0; i < 5; i++) reserveIn(b, "interactive", rates, T0, NO_LIMIT);
    expect(b.sync).toEqual(syncBefore);
    expect(b.interactive.tokens).toBe(-3);
  });

  it("refuses interactive calls beyond their small budget while syncs keep their full rate", () => {
    const b = fresh();
    expect(reserveIn(b, "interactive", rates, T0, 3000)).toEqual({ waitMs: 0, granted: true });
    expect(reserveIn(b, "interactive", rates, T0, 3000)).toEqual({ waitMs: 0, granted: true });
    // The next interactive slot is 5 s away (2 per 10 s): not worth holding a request for.
    expect(reserveIn(b, "interactive", rates, T0, 3000)).toEqual({ waitMs: 5000, granted: false });
    const syncWaits = Array.from({ length: 12 }, () => reserveIn(b, "sync", rates, T0, NO_LIMIT).waitMs);
    expect(syncWaits).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200]);
  });

  it("does not let a spent sync budget refuse an interactive call", () => {
    const b = fresh();
    for (let i = 0; i < 30; i++) reserveIn(b, "sync", rates, T0, NO_LIMIT);
    expect(reserveIn(b, "interactive", rates, T0, 0)).toEqual({ waitMs: 0, granted: true });
  });

  it("pauses both budgets, whichever call met the Retry-After", () => {
    const b = fresh();
    pauseAll(b, T0 + 4000);
    expect(reserveIn(b, "sync", rates, T0, NO_LIMIT).waitMs).toBe(4000);
    expect(reserveIn(b, "interactive", rates, T0, 3000)).toEqual({ waitMs: 4000, granted: false });
    pauseAll(b, T0 + 1000); // never shortened
    expect([b.sync.pausedUntil, b.interactive.pausedUntil]).toEqual([T0 + 4000, T0 + 4000]);
  });
});
