import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const HEALTH_STATUSES = ["ok", "error"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/**
 * The scheduled health check of each integration (src/health): when it is next due, and how the
 * last one went. A row appears the first time the cron sees an active integration; its first
 * check is then spread over one interval, so that a deploy does not probe every ERP at once.
 */
export const integrationHealth = sqliteTable(
  "integration_health",
  {
    integrationId: text("integration_id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    /** Null until the first check has run. */
    status: text("status", { enum: HEALTH_STATUSES }),
    checkedAt: integer("checked_at", { mode: "timestamp_ms" }),
    /** The slowest single call to the merchant's system during the check: its response time. */
    latencyMs: integer("latency_ms"),
    /** The whole check (login and one read per capability). */
    durationMs: integer("duration_ms"),
    /** The first failed check in the connector's words (hosts only, never a path or a secret). */
    message: text("message"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** The claim of concurrent crons: a check runs only for whoever moves this forward. */
    nextCheckAt: integer("next_check_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("integration_health_due_idx").on(t.nextCheckAt),
    index("integration_health_merchant_idx").on(t.merchantId),
  ],
);
export type IntegrationHealthRow = typeof integrationHealth.$inferSelect;
