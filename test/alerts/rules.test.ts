import { describe, expect, it } from "vitest";
import { evaluateRules, systemQueueRule } from "../../src/alerts/rules.ts";
import type { AlertRule, Thresholds } from "../../src/alerts/settings.ts";
import { alertSettingsOf } from "../../src/alerts/settings.ts";
import type { Signals } from "../../src/alerts/signals.ts";

const SYSTEM: Thresholds = {
  errorRate: 0.05,
  responseTimeMs: 1000,
  queueSize: 1000,
  connectionFailures: 3,
  freshnessP95Seconds: 900,
  deliveryFailures: 5,
};

const check = { status: "ok" as const, latencyMs: 1000, consecutiveFailures: 2, checkedAt: new Date() };
const calm: Signals = {
  runs: { finished: 20, failed: 1 },
  health: check,
  circuit: "closed",
  queued: 999,
  freshnessP95Seconds: 900,
  failedDeliveries: 4,
};

const holding = (s: Signals, t = SYSTEM, disabled: ReadonlySet<AlertRule> = new Set()) =>
  evaluateRules("ERP", s, t, disabled)
    .filter((c) => c.holds)
    .map((c) => c.rule);

describe("the alert rules", () => {
  it("hold none at exactly the seed's thresholds (5 % of 20 runs, 1 s, 999 queued, 2 failures, 900 s, 4 deliveries)", () => {
    expect(holding(calm)).toEqual([]);
  });

  it("hold each one just past its threshold", () => {
    expect(holding({ ...calm, runs: { finished: 20, failed: 2 } })).toEqual(["error_rate"]);
    expect(holding({ ...calm, health: { ...check, latencyMs: 1001 } })).toEqual(["response_time"]);
    expect(holding({ ...calm, queued: 1000 })).toEqual(["queue_size"]);
    expect(holding({ ...calm, health: { ...check, consecutiveFailures: 3 } })).toEqual(["connection_failures"]);
    expect(holding({ ...calm, circuit: "open" })).toEqual(["connection_failures"]);
    expect(holding({ ...calm, circuit: "half_open" })).toEqual(["connection_failures"]);
    expect(holding({ ...calm, freshnessP95Seconds: 901 })).toEqual(["freshness"]);
    expect(holding({ ...calm, failedDeliveries: 5 })).toEqual(["delivery_failures"]);
  });

  it("hold nothing without a measurement: no finished run, no check, no freshness sample", () => {
    const empty: Signals = { ...calm, runs: { finished: 0, failed: 0 }, health: null, freshnessP95Seconds: null };
    expect(holding(empty)).toEqual([]);
    const rate = evaluateRules("ERP", empty, SYSTEM, new Set()).find((c) => c.rule === "error_rate");
    expect(rate).toMatchObject({ value: null, holds: false });
  });

  it("never hold a disabled rule", () => {
    expect(holding({ ...calm, circuit: "open", queued: 5000 }, SYSTEM, new Set(["connection_failures"]))).toEqual([
      "queue_size",
    ]);
  });

  it("read an integration's own thresholds over the system's, and ignore unreadable ones", () => {
    const own = alertSettingsOf({ settings: { alerts: { errorRate: 0.5, disabled: ["freshness"] } } }, SYSTEM);
    expect(own.thresholds).toEqual({ ...SYSTEM, errorRate: 0.5 });
    expect([...own.disabled]).toEqual(["freshness"]);
    expect(alertSettingsOf({ settings: {} }, SYSTEM).thresholds).toEqual(SYSTEM);
    expect(alertSettingsOf({ settings: { alerts: { errorRate: "lots" } } }, SYSTEM).thresholds).toEqual(SYSTEM);
  });

  it("describe what they measured", () => {
    const [rate] = evaluateRules("Main ERP", { ...calm, runs: { finished: 10, failed: 3 } }, SYSTEM, new Set());
    expect(rate).toMatchObject({
      rule: "error_rate",
      value: 0.3,
      threshold: 0.05,
      summary: "Main ERP: 30 % of syncs failing",
      description: "3 of 10 finished runs failed; the threshold is 5 %.",
    });
    expect(systemQueueRule(1200, 1000)).toMatchObject({ holds: true, value: 1200, rule: "queue_size" });
  });
});
