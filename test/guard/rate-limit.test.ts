import { describe, expect, it } from "vitest";
import { type Bucket, fullBucket, pause, type RateSettings, reserve } from "../../src/guard/rate-limit.ts";

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
