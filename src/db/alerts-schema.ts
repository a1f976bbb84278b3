import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ALERT_STATUSES = ["firing", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * Alerts (src/alerts): one row per episode of a rule holding for one integration (or for the
 * system), from firing to resolved. The partial unique index allows one firing row per
 * fingerprint, so concurrent evaluations cannot open the same alert twice. A notification is
 * due while `notifyDueAt` is set; whoever sets `claimToken` (a conditional update) sends it.
 */
export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    /** Hex hash of the labels (rule, integration): the same for every episode of one alert. */
    fingerprint: text("fingerprint").notNull(),
    rule: text("rule").notNull(),
    /** Null for a system-wide alert. */
    integrationId: text("integration_id"),
    merchantId: text("merchant_id"),
    severity: text("severity").notNull(),
    status: text("status", { enum: ALERT_STATUSES }).notNull(),
    /** The measured value when it fired, and the last one while firing. */
    value: real("value"),
    threshold: real("threshold").notNull(),
    summary: text("summary").notNull(),
    description: text("description").notNull(),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }),
    lastEvaluatedAt: integer("last_evaluated_at", { mode: "timestamp_ms" }).notNull(),
    /** When the next notification is due: at once when firing or resolving, then every repeat interval. */
    notifyDueAt: integer("notify_due_at", { mode: "timestamp_ms" }),
    /** Set by the evaluation sending a notification; a claim older than a minute is taken to be dead. */
    claimToken: text("claim_token"),
    claimedAt: integer("claimed_at", { mode: "timestamp_ms" }),
    /** The last firing notification the receiver accepted. */
    notifiedAt: integer("notified_at", { mode: "timestamp_ms" }),
    notifications: integer("notifications").notNull().default(0),
    resolvedNotifiedAt: integer("resolved_notified_at", { mode: "timestamp_ms" }),
    /** Failed attempts since the last accepted notification, and why the last one failed. */
    notifyFailures: integer("notify_failures").notNull().default(0),
    lastNotifyError: text("last_notify_error"),
    acknowledgedAt: integer("acknowledged_at", { mode: "timestamp_ms" }),
    acknowledgedBy: text("acknowledged_by"),
    silencedUntil: integer("silenced_until", { mode: "timestamp_ms" }),
    silencedBy: text("silenced_by"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("alerts_firing_uq").on(t.fingerprint).where(sql`status = 'firing'`),
    index("alerts_notify_due_idx").on(t.notifyDueAt),
    index("alerts_merchant_starts_idx").on(t.merchantId, t.startsAt),
    index("alerts_integration_starts_idx").on(t.integrationId, t.startsAt),
    index("alerts_status_starts_idx").on(t.status, t.startsAt),
  ],
);
export type AlertRow = typeof alerts.$inferSelect;

/** When each integration's alert rules were last evaluated: the cron takes the longest-waiting first. */
export const alertEvaluations = sqliteTable(
  "alert_evaluations",
  {
    integrationId: text("integration_id").primaryKey(),
    evaluatedAt: integer("evaluated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("alert_evaluations_at_idx").on(t.evaluatedAt)],
);
