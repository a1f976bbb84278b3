import { z } from "@hono/zod-openapi";
import type { AlertsConfig } from "../config.ts";
import type { IntegrationRow } from "../db/schema.ts";

/** The rules evaluated per integration (src/alerts/rules.ts); `queue_size` is also evaluated system-wide. */
export const ALERT_RULES = [
  "error_rate",
  "response_time",
  "queue_size",
  "connection_failures",
  "freshness",
  "delivery_failures",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * An integration's own alert thresholds, under `settings.alerts`: each one left out takes the
 * system-wide value (ALERT_* variables); `disabled` turns rules off for this integration.
 */
export const alertSettings = z
  .object({
    errorRate: z.number().min(0).max(1).optional().openapi({
      description: "Failed / finished runs over ALERT_WINDOW_MINUTES above which `error_rate` fires (0.05 = 5 %)",
    }),
    responseTimeMs: z.number().int().min(1).max(600_000).optional().openapi({
      description: "The slowest call of the last health check, in ms, above which `response_time` fires",
    }),
    queueSize: z.number().int().min(1).max(10_000_000).optional().openapi({
      description: "Queued sync runs plus received, not yet applied webhook events at which `queue_size` fires",
    }),
    connectionFailures: z.number().int().min(1).max(100).optional().openapi({
      description:
        "Consecutive failed health checks at which `connection_failures` fires (an open circuit fires it too)",
    }),
    freshnessP95Seconds: z.number().int().min(1).max(604_800).optional().openapi({
      description: "Freshness p95 (ERP change to platform acceptance), in seconds, above which `freshness` fires",
    }),
    deliveryFailures: z.number().int().min(1).max(1_000_000).optional().openapi({
      description:
        "Outgoing webhook deliveries exhausted or failing over ALERT_WINDOW_MINUTES at which `delivery_failures` fires",
    }),
    disabled: z.array(z.enum(ALERT_RULES)).max(ALERT_RULES.length).optional().openapi({
      description: "Rules not evaluated for this integration",
    }),
  })
  .strict();
export type AlertSettings = z.infer<typeof alertSettings>;

export type Thresholds = AlertsConfig["thresholds"];

/** The thresholds that apply to an integration and the rules it has turned off. */
export function alertSettingsOf(
  integration: Pick<IntegrationRow, "settings">,
  system: Thresholds,
): { thresholds: Thresholds; disabled: ReadonlySet<AlertRule> } {
  const parsed = alertSettings.safeParse(integration.settings.alerts ?? {});
  const own = parsed.success ? parsed.data : {};
  const { disabled, ...overrides } = own;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { thresholds: { ...system, ...defined }, disabled: new Set(disabled ?? []) };
}
