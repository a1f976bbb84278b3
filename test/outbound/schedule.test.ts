import { describe, expect, it } from "vitest";
import type { AttemptResult } from "../../src/outbound/attempt.ts";
import {
  jittered,
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextAttempt,
  QUEUE_MAX_DELAY_SECONDS,
  RETRY_SCHEDULE_DOC,
  RETRY_SCHEDULE_MS,
} from "../../src/outbound/schedule.ts";

const answered = (statusCode: number, retryAfterSeconds?: number): AttemptResult => ({
  ok: statusCode >= 200 && statusCode < 300,
  statusCode,
  errorClass: statusCode >= 200 && statusCode < 300 ? null : "http",
  error: null,
  latencyMs: 10,
  responseBody: null,
  retryAfterSeconds,
});
const noAnswer = (errorClass: "timeout" | "connection" | "dns" | "tls"): AttemptResult => ({
  ...answered(0),
  ok: false,
  statusCode: null,
  errorClass,
});
// The random source at its extremes and its middle: -20 %, +20 % (just under), exactly on time.
const low = () => 0;
const high = () => 0.999_999;
const middle = () => 0.5;
const MIN = 60_000;
const H = 3_600_000;

describe("the published schedule", () => {
  it("waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts in all", () => {
    expect(RETRY_SCHEDULE_MS).toEqual([5_000, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(RETRY_SCHEDULE_DOC).toContain("5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h");
    expect(QUEUE_MAX_DELAY_SECONDS).toBe(43_200);
  });

  it.each(RETRY_SCHEDULE_MS.map((ms, i) => [i + 1, ms] as const))(
    "after attempt %i waits %i ms on time, and within ±20 %",
    (attempts, ms) => {
      expect(nextAttempt(attempts, answered(500), middle)).toEqual({ kind: "retry", delayMs: ms, backPressure: false });
      const least = nextAttempt(attempts, answered(500), low);
      const most = nextAttempt(attempts, answered(500), high);
      expect(least).toMatchObject({ kind: "retry", delayMs: Math.round(ms * 0.8) });
      expect(most.kind === "retry" && most.delayMs).toBeLessThanOrEqual(Math.round(ms * 1.2));
      expect(most.kind === "retry" && most.delayMs).toBeGreaterThan(ms * 1.19);
    },
  );

  it("keeps every jittered wait within ±20 % over many draws", () => {
    for (let i = 0; i < 1000; i++) {
      const delay = jittered(10_000);
      expect(delay).toBeGreaterThanOrEqual(8_000);
      expect(delay).toBeLessThanOrEqual(12_000);
    }
  });

  it("is exhausted after the 8th attempt, whatever the failure", () => {
    expect(nextAttempt(7, answered(500), middle).kind).toBe("retry");
    expect(nextAttempt(8, answered(500))).toEqual({ kind: "exhausted" });
    expect(nextAttempt(8, noAnswer("timeout"))).toEqual({ kind: "exhausted" });
    expect(nextAttempt(8, answered(503, 5))).toEqual({ kind: "exhausted" });
    expect(nextAttempt(9, answered(400))).toEqual({ kind: "exhausted" });
  });

  it("says gone on a 410, on any attempt", () => {
    expect(nextAttempt(1, answered(410))).toEqual({ kind: "gone" });
    expect(nextAttempt(8, answered(410, 60))).toEqual({ kind: "gone" });
  });

  it("says delivered on a 2xx", () => {
    expect(nextAttempt(3, answered(204))).toEqual({ kind: "delivered" });
  });

  it.each(["timeout", "connection", "dns", "tls"] as const)("follows the schedule after a %s", (errorClass) => {
    expect(nextAttempt(2, noAnswer(errorClass), middle)).toEqual({
      kind: "retry",
      delayMs: 5 * MIN,
      backPressure: false,
    });
  });

  it.each([400, 401, 404, 422, 500, 501, 302])("follows the schedule after a %i", (status) => {
    expect(nextAttempt(1, answered(status), middle)).toMatchObject({ kind: "retry", delayMs: 5_000 });
  });
});

describe("Retry-After and back-pressure", () => {
  it("honours a Retry-After longer than the scheduled wait", () => {
    expect(nextAttempt(1, answered(500, 600), middle)).toEqual({
      kind: "retry",
      delayMs: 600_000,
      backPressure: false,
    });
  });

  it("keeps the scheduled wait when a plain failure asks for less", () => {
    expect(nextAttempt(3, answered(500, 10), middle)).toEqual({
      kind: "retry",
      delayMs: 30 * MIN,
      backPressure: false,
    });
  });

  it("caps a Retry-After at 24 hours", () => {
    expect(nextAttempt(1, answered(503, 7 * 24 * 3600), middle)).toEqual({
      kind: "retry",
      delayMs: MAX_RETRY_AFTER_MS,
      backPressure: true,
    });
  });

  it.each([429, 502, 503, 504])("treats %i as back-pressure and waits exactly what it asks", (status) => {
    expect(nextAttempt(3, answered(status, 20), middle)).toEqual({
      kind: "retry",
      delayMs: 20_000,
      backPressure: true,
    });
  });

  it("waits at least a second on back-pressure with Retry-After: 0", () => {
    expect(nextAttempt(1, answered(429, 0), middle)).toEqual({ kind: "retry", delayMs: 1_000, backPressure: true });
  });

  it("follows the schedule on back-pressure without a Retry-After", () => {
    expect(nextAttempt(2, answered(503), middle)).toEqual({ kind: "retry", delayMs: 5 * MIN, backPressure: true });
  });
});
