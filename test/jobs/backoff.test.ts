import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../src/jobs/backoff.ts";

const options = { baseSeconds: 5, capSeconds: 900 };

describe("retryDelaySeconds", () => {
  it("doubles with each attempt, between half and all of the step", () => {
    expect(retryDelaySeconds(1, { ...options, random: () => 1 })).toBe(5);
    expect(retryDelaySeconds(3, { ...options, random: () => 1 })).toBe(20);
    expect(retryDelaySeconds(3, { ...options, random: () => 0 })).toBe(10);
  });

  it("is capped", () => {
    expect(retryDelaySeconds(20, { ...options, random: () => 1 })).toBe(900);
  });

  it("waits at least as long as the upstream's Retry-After", () => {
    expect(retryDelaySeconds(1, { ...options, random: () => 0, retryAfterSeconds: 120 })).toBe(120);
    expect(retryDelaySeconds(6, { ...options, random: () => 1, retryAfterSeconds: 3 })).toBe(160);
  });

  it("never exceeds what Queues accept (12 hours)", () => {
    expect(retryDelaySeconds(1, { ...options, retryAfterSeconds: 100_000 })).toBe(43_200);
  });
});
