import type { AlertRule, Thresholds } from "./settings.ts";
import type { Signals } from "./signals.ts";

export type Severity = "warning" | "critical";

/** One rule's verdict for one integration (or the system) now. */
export interface Condition {
  rule: AlertRule;
  holds: boolean;
  /** What was measured; null when there was nothing to measure (no finished run, no recent check). */
  value: number | null;
  threshold: number;
  severity: Severity;
  summary: string;
  description: string;
}

/** The rules as `GET /api/alerts/rules` lists them, with what each measures. */
export const RULE_CATALOGUE: {
  rule: AlertRule | "memory_usage";
  severity: Severity;
  observable: boolean;
  threshold: keyof Thresholds | null;
  description: string;
}[] = [
  {
    rule: "error_rate",
    severity: "warning",
    observable: true,
    threshold: "errorRate",
    description:
      "Failed (or dead) runs / finished runs among the runs created in ALERT_WINDOW_MINUTES, above the threshold",
  },
  {
    rule: "response_time",
    severity: "warning",
    observable: true,
    threshold: "responseTimeMs",
    description:
      "The slowest call to the merchant's system in the last scheduled health check, in ms, above the threshold",
  },
  {
    rule: "queue_size",
    severity: "warning",
    observable: true,
    threshold: "queueSize",
    description:
      "Queued sync runs plus received, not yet applied webhook events, at or above the threshold; per integration and for the whole system",
  },
  {
    rule: "connection_failures",
    severity: "critical",
    observable: true,
    threshold: "connectionFailures",
    description: "Consecutive failed health checks at or above the threshold, or the integration's circuit open",
  },
  {
    rule: "freshness",
    severity: "warning",
    observable: true,
    threshold: "freshnessP95Seconds",
    description:
      "Freshness p95 (change in the ERP to acceptance by the platform) over ALERT_WINDOW_MINUTES, in seconds, above the threshold",
  },
  {
    rule: "delivery_failures",
    severity: "warning",
    observable: true,
    threshold: "deliveryFailures",
    description:
      "Outgoing webhook deliveries of the integration's events created in ALERT_WINDOW_MINUTES that are exhausted or failing, at or above the threshold",
  },
  {
    rule: "memory_usage",
    severity: "warning",
    observable: false,
    threshold: null,
    description:
      "The seed's 85 % memory threshold: not evaluated. A Worker isolate's memory is not observable from inside it (128 MB per isolate, managed by the runtime); Cloudflare's dashboard shows exceeded-memory errors",
  },
];

const percent = (x: number) => `${Math.round(x * 1000) / 10} %`;

/** Every per-integration rule's verdict; rules in `disabled` never hold (a firing one resolves). */
export function evaluateRules(name: string, s: Signals, t: Thresholds, disabled: ReadonlySet<AlertRule>): Condition[] {
  const rate = s.runs.finished > 0 ? s.runs.failed / s.runs.finished : null;
  const latency = s.health?.latencyMs ?? null;
  const failures = s.health?.consecutiveFailures ?? 0;
  const open = s.circuit !== "closed";
  const conditions: Condition[] = [
    {
      rule: "error_rate",
      holds: rate !== null && rate > t.errorRate,
      value: rate,
      threshold: t.errorRate,
      severity: "warning",
      summary: `${name}: ${rate === null ? "no" : percent(rate)} of syncs failing`,
      description: `${s.runs.failed} of ${s.runs.finished} finished runs failed; the threshold is ${percent(t.errorRate)}.`,
    },
    {
      rule: "response_time",
      holds: latency !== null && latency > t.responseTimeMs,
      value: latency,
      threshold: t.responseTimeMs,
      severity: "warning",
      summary: `${name}: the merchant's system answers slowly`,
      description: `The slowest call of the last health check took ${latency ?? "?"} ms; the threshold is ${t.responseTimeMs} ms.`,
    },
    {
      rule: "queue_size",
      holds: s.queued >= t.queueSize,
      value: s.queued,
      threshold: t.queueSize,
      severity: "warning",
      summary: `${name}: ${s.queued} jobs queued`,
      description: `Queued sync runs and unapplied webhook events: ${s.queued}; the threshold is ${t.queueSize}.`,
    },
    {
      rule: "connection_failures",
      holds: failures >= t.connectionFailures || open,
      value: failures,
      threshold: t.connectionFailures,
      severity: "critical",
      summary: `${name}: the connection to the merchant's system fails`,
      description: `${failures} consecutive failed health checks (threshold ${t.connectionFailures}); the circuit is ${s.circuit.replace("_", "-")}.`,
    },
    {
      rule: "freshness",
      holds: s.freshnessP95Seconds !== null && s.freshnessP95Seconds > t.freshnessP95Seconds,
      value: s.freshnessP95Seconds,
      threshold: t.freshnessP95Seconds,
      severity: "warning",
      summary: `${name}: changes reach the platform late`,
      description: `Freshness p95 is ${s.freshnessP95Seconds ?? "?"} s; the threshold is ${t.freshnessP95Seconds} s.`,
    },
    {
      rule: "delivery_failures",
      holds: s.failedDeliveries >= t.deliveryFailures,
      value: s.failedDeliveries,
      threshold: t.deliveryFailures,
      severity: "warning",
      summary: `${name}: outgoing webhooks failing`,
      description: `${s.failedDeliveries} outgoing deliveries exhausted or failing; the threshold is ${t.deliveryFailures}.`,
    },
  ];
  return conditions.map((c) => (disabled.has(c.rule) ? { ...c, holds: false } : c));
}

/** The system-wide queue rule. */
export function systemQueueRule(queued: number, threshold: number): Condition {
  return {
    rule: "queue_size",
    holds: queued >= threshold,
    value: queued,
    threshold,
    severity: "warning",
    summary: `The gateway has ${queued} jobs queued`,
    description: `Queued sync runs and unapplied webhook events across all integrations: ${queued}; the threshold is ${threshold}.`,
  };
}
