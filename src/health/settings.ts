import { z } from "@hono/zod-openapi";
import type { IntegrationRow } from "../db/schema.ts";

/** An integration's own health-check schedule; left out, HEALTH_CHECK_INTERVAL_MINUTES applies. */
export const healthCheckSettings = z.object({
  healthCheckIntervalMinutes: z.number().int().min(1).max(1440).optional().openapi({
    description:
      "How often the scheduled health check tests the connection (each test spends about five calls of the interactive budget); default HEALTH_CHECK_INTERVAL_MINUTES",
  }),
});

/** The integration's health-check interval in ms. */
export function healthIntervalMs(integration: Pick<IntegrationRow, "settings">, defaultMinutes: number): number {
  const parsed = healthCheckSettings.safeParse(integration.settings);
  const minutes = (parsed.success ? parsed.data.healthCheckIntervalMinutes : undefined) ?? defaultMinutes;
  return minutes * 60_000;
}
