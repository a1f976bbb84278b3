import { describe, expect, it } from "vitest";
import {
  type Circuit,
  type CircuitSettings,
  closedCircuit,
  cooldown,
  PROBE_TIMEOUT_MS,
  permit,
  record,
} from "../../src/guard/circuit.ts";

const settings: CircuitSettings = { failureThreshold: 3, cooldownMs: 30_000, maxCooldownMs: 300_000 };
const T0 = 1_700_000_000_000;

const success = { kind: "success" } as const;
const neutral = { kind: "neutral" } as const;
const failure = (reason = "ERP answered 503") => ({ kind: "failure", reason }) as const;

/** When an open circuit lets the next probe through. */
function probeTime(c: Circuit): number {
  expect(c.nextProbeAt).toEqual(expect.any(Number));
  return c.nextProbeAt as number;
}

/** A circuit opened by `settings.failureThreshold` failures of job "a" at `now`. */
function openedAt(now: number): Circuit {
  const c = closedCircuit();
  for (let i = 0; i < settings.failureThreshold; i++) record(c, failure(), "a", settings, now);
  expect(c.state).toBe("open");
  return c;
}

/** An open circuit whose cool-down is over, with `holder` admitted as the probe at `now`. */
function probing(holder: string, now: number): Circuit {
  const c = openedAt(now - settings.cooldownMs);
  expect(permit(c, holder, now)).toEqual({ ok: true, probe: true });
  expect(c.state).toBe("half_open");
  return c;
}

describe("a closed circuit", () => {
  it("admits every job without making it a probe", () => {
    const c = closedCircuit();
    expect(permit(c, "a", T0)).toEqual({ ok: true, probe: false });
    expect(permit(c, "b", T0)).toEqual({ ok: true, probe: false });
    expect(c.probe).toBeNull();
  });

  it("stays closed below the threshold, counting consecutive failures", () => {
    const c = closedCircuit();
    expect(record(c, failure("one"), "a", settings, T0)).toBeNull();
    expect(record(c, failure("two"), "b", settings, T0 + 1)).toBeNull();
    expect(c).toMatchObject({ state: "closed", failures: 2, opens: 0, lastFailure: "two", nextProbeAt: null });
  });

  it("resets the failure count on a success, so only consecutive failures open it", () => {
    const c = closedCircuit();
    record(c, failure(), "a", settings, T0);
    record(c, failure(), "a", settings, T0 + 1);
    expect(record(c, success, "a", settings, T0 + 2)).toBeNull();
    expect(c).toEqual(closedCircuit());
    record(c, failure(), "a", settings, T0 + 3);
    record(c, failure(), "a", settings, T0 + 4);
    expect(c.state).toBe("closed");
    expect(c.failures).toBe(2);
  });

  it("opens on the threshold-th consecutive failure, with the first probe one cool-down later", () => {
    const c = closedCircuit();
    record(c, failure(), "a", settings, T0);
    record(c, failure(), "b", settings, T0 + 10);
    expect(record(c, failure("ERP timed out"), "c", settings, T0 + 20)).toBe("opened");
    expect(c).toMatchObject({
      state: "open",
      opens: 1,
      openedAt: T0 + 20,
      nextProbeAt: T0 + 20 + settings.cooldownMs,
      probe: null,
      lastFailure: "ERP timed out",
    });
  });

  it("keeps only the first 500 characters of a failure reason", () => {
    const c = closedCircuit();
    record(c, failure("x".repeat(2000)), "a", settings, T0);
    expect(c.lastFailure).toHaveLength(500);
  });

  it("opens at the first failure when the threshold is 1", () => {
    const c = closedCircuit();
    expect(record(c, failure(), "a", { ...settings, failureThreshold: 1 }, T0)).toBe("opened");
    expect(c.state).toBe("open");
  });
});

describe("an open circuit", () => {
  it("refuses every job until the probe time, telling it when to come back", () => {
    const c = openedAt(T0);
    const nextProbeAt = T0 + settings.cooldownMs;
    expect(permit(c, "b", T0 + 1)).toEqual({ ok: false, retryAt: nextProbeAt });
    expect(permit(c, "c", nextProbeAt - 1)).toEqual({ ok: false, retryAt: nextProbeAt });
    expect(c.state).toBe("open");
    expect(c.probe).toBeNull();
  });

  it("makes the first caller at the probe time the half-open probe", () => {
    const c = openedAt(T0);
    const nextProbeAt = T0 + settings.cooldownMs;
    expect(permit(c, "probe", nextProbeAt)).toEqual({ ok: true, probe: true });
    expect(c.state).toBe("half_open");
    expect(c.probe).toEqual({ holder: "probe", since: nextProbeAt });
  });

  it("makes the first caller after the probe time the probe too", () => {
    const c = openedAt(T0);
    const later = T0 + settings.cooldownMs * 10;
    expect(permit(c, "late", later)).toEqual({ ok: true, probe: true });
    expect(c.probe).toEqual({ holder: "late", since: later });
  });

  it("ignores further failures: they neither re-open it nor push the probe time back", () => {
    const c = openedAt(T0);
    const before = structuredClone(c);
    expect(record(c, failure("straggler"), "b", settings, T0 + 1000)).toBeNull();
    expect({ ...c, lastFailure: before.lastFailure }).toEqual(before);
  });

  it("ignores a late success from a job that started before it opened", () => {
    const c = openedAt(T0);
    const before = structuredClone(c);
    expect(record(c, success, "a", settings, T0 + 1000)).toBeNull();
    expect(c).toEqual(before);
  });
});

describe("a half-open circuit", () => {
  it("refuses a second caller while the probe is out, until the probe times out", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    expect(permit(c, "other", at + 1)).toEqual({ ok: false, retryAt: at + PROBE_TIMEOUT_MS });
    expect(permit(c, "other", at + PROBE_TIMEOUT_MS - 1)).toEqual({ ok: false, retryAt: at + PROBE_TIMEOUT_MS });
    expect(c.probe?.holder).toBe("probe");
  });

  it("lets another caller probe once the probe has not reported for PROBE_TIMEOUT_MS", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    expect(permit(c, "other", at + PROBE_TIMEOUT_MS)).toEqual({ ok: true, probe: true });
    expect(c.probe).toEqual({ holder: "other", since: at + PROBE_TIMEOUT_MS });
  });

  it("admits the probe itself again (a redelivery of the same holder)", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    expect(permit(c, "probe", at + 5)).toEqual({ ok: true, probe: true });
  });

  it("closes when the probe succeeds, forgetting the opens", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    expect(record(c, success, "probe", settings, at + 100)).toBe("closed");
    expect(c).toEqual(closedCircuit());
    expect(permit(c, "anyone", at + 101)).toEqual({ ok: true, probe: false });
  });

  it("re-opens when the probe fails, with the cool-down doubled", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    expect(record(c, failure("still down"), "probe", settings, at + 100)).toBe("opened");
    expect(c).toMatchObject({
      state: "open",
      opens: 2,
      openedAt: at + 100,
      nextProbeAt: at + 100 + 2 * settings.cooldownMs,
      probe: null,
      lastFailure: "still down",
    });
  });

  it("doubles the cool-down with each re-open up to maxCooldownMs, and starts over after a close", () => {
    let now = T0;
    const c = openedAt(now);
    const waits = [probeTime(c) - now];
    for (let i = 0; i < 6; i++) {
      now = probeTime(c);
      expect(permit(c, `probe-${i}`, now)).toEqual({ ok: true, probe: true });
      now += 10;
      expect(record(c, failure(), `probe-${i}`, settings, now)).toBe("opened");
      waits.push(probeTime(c) - now);
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
    expect(c.opens).toBe(7);

    now = probeTime(c);
    permit(c, "winner", now);
    expect(record(c, success, "winner", settings, now + 1)).toBe("closed");
    for (let i = 0; i < settings.failureThreshold; i++) record(c, failure(), "x", settings, now + 2);
    expect(c.opens).toBe(1);
    expect(probeTime(c) - (now + 2)).toBe(settings.cooldownMs);
  });

  it("frees the probe slot on a neutral outcome, so the next caller probes", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    expect(record(c, neutral, "probe", settings, at + 10)).toBeNull();
    expect(c.state).toBe("half_open");
    expect(c.probe).toBeNull();
    expect(permit(c, "next", at + 11)).toEqual({ ok: true, probe: true });
    expect(c.probe?.holder).toBe("next");
  });

  it("ignores a late success or failure from a job that is not the probe", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("probe", at);
    const before = structuredClone(c);
    expect(record(c, success, "straggler", settings, at + 10)).toBeNull();
    expect(c).toEqual(before);
    expect(record(c, failure("old news"), "straggler", settings, at + 20)).toBeNull();
    expect({ ...c, lastFailure: before.lastFailure }).toEqual(before);
    expect(record(c, neutral, "straggler", settings, at + 30)).toBeNull();
    expect({ ...c, lastFailure: before.lastFailure }).toEqual(before);
  });

  it("ignores the first probe's verdict once another job took over after the timeout", () => {
    const at = T0 + settings.cooldownMs;
    const c = probing("first", at);
    permit(c, "second", at + PROBE_TIMEOUT_MS);
    expect(record(c, success, "first", settings, at + PROBE_TIMEOUT_MS + 1)).toBeNull();
    expect(c.state).toBe("half_open");
    expect(record(c, success, "second", settings, at + PROBE_TIMEOUT_MS + 2)).toBe("closed");
  });
});

describe("neutral outcomes", () => {
  it("never count as failures, whatever their number", () => {
    const c = closedCircuit();
    record(c, failure(), "a", settings, T0);
    for (let i = 0; i < 10; i++) expect(record(c, neutral, "a", settings, T0 + i)).toBeNull();
    expect(c).toMatchObject({ state: "closed", failures: 1 });
  });

  it("leave an open circuit open", () => {
    const c = openedAt(T0);
    const before = structuredClone(c);
    expect(record(c, neutral, "a", settings, T0 + 1)).toBeNull();
    expect(c).toEqual(before);
  });
});

describe("cooldown", () => {
  it("is the base for the first open, doubling per re-open, capped", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((opens) => cooldown(opens, settings))).toEqual([
      30_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000,
    ]);
  });

  it("never exceeds the cap even when the base does", () => {
    expect(cooldown(1, { failureThreshold: 1, cooldownMs: 10_000, maxCooldownMs: 5_000 })).toBe(5_000);
  });
});
