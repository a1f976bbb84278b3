import { z } from "@hono/zod-openapi";
import { idPattern } from "../db/ids.ts";
import { ALERT_STATUSES, type AlertRow } from "../db/schema.ts";
import { PageQuery } from "../openapi/schemas.ts";
import { ALERT_RULES } from "./settings.ts";

export const AlertParams = z.object({
  id: z
    .string()
    .regex(idPattern("alr"), "must be an alert id like alr_01JD3W8Z5Q6Y7X8V9T0S1R2P3N")
    .openapi({ param: { name: "id", in: "path" }, example: "alr_01JD3W8Z5Q6Y7X8V9T0S1R2P3N" }),
});

export const ListAlertsQuery = PageQuery.extend({
  status: z.enum(ALERT_STATUSES).optional(),
  integrationId: z.string().regex(idPattern("int"), "must be an integration id").optional(),
  rule: z.enum(ALERT_RULES).optional(),
});

const MAX_SILENCE_HOURS = 24 * 30;

/** `{ until }` or `{ hours }`: how long no notification is sent for the alert. */
export const SilenceBody = z
  .union([
    z.object({ until: z.iso.datetime({ offset: true }).openapi({ example: "2026-12-03T08:00:00Z" }) }).strict(),
    z.object({ hours: z.number().min(0.25).max(MAX_SILENCE_HOURS).openapi({ example: 4 }) }).strict(),
  ])
  .openapi("SilenceAlert");

/** When a silence ends, or why it cannot be taken: in the past or more than 30 days ahead. */
export function silenceEnd(body: z.infer<typeof SilenceBody>, now: number): number | string {
  if ("hours" in body) return now + body.hours * 3_600_000;
  const until = Date.parse(body.until);
  if (until <= now) return "must be in the future";
  if (until > now + MAX_SILENCE_HOURS * 3_600_000) return `must be within ${MAX_SILENCE_HOURS / 24} days`;
  return until;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const AlertView = z
  .object({
    id: z.string(),
    rule: z.string().openapi({ description: "Also the notification's `alertname` label" }),
    status: z.enum(ALERT_STATUSES),
    severity: z.enum(["warning", "critical"]),
    integrationId: z.string().nullable().openapi({ description: "Null for a system-wide alert (admins only)" }),
    merchantId: z.string().nullable(),
    value: z.number().nullable().openapi({ description: "What was measured at the last evaluation while firing" }),
    threshold: z.number(),
    summary: z.string(),
    description: z.string(),
    fingerprint: z.string().openapi({ description: "The same for every episode of this rule on this integration" }),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime().nullable(),
    lastEvaluatedAt: z.iso.datetime(),
    notifications: z.object({
      sent: z.number().int(),
      lastFiringAt: z.iso.datetime().nullable(),
      resolvedAt: z.iso.datetime().nullable(),
      nextDueAt: z.iso.datetime().nullable().openapi({ description: "Null when nothing more will be sent" }),
      failures: z.number().int().openapi({ description: "Failed attempts since the last accepted one" }),
      lastError: z.string().nullable(),
    }),
    acknowledgedAt: z.iso.datetime().nullable(),
    acknowledgedBy: z.string().nullable(),
    silencedUntil: z.iso.datetime().nullable(),
    silencedBy: z.string().nullable(),
  })
  .openapi("Alert");
export type AlertView = z.infer<typeof AlertView>;

export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    rule: row.rule,
    status: row.status,
    severity: row.severity === "critical" ? "critical" : "warning",
    integrationId: row.integrationId,
    merchantId: row.merchantId,
    value: row.value,
    threshold: row.threshold,
    summary: row.summary,
    description: row.description,
    fingerprint: row.fingerprint,
    startsAt: row.startsAt.toISOString(),
    endsAt: iso(row.endsAt),
    lastEvaluatedAt: row.lastEvaluatedAt.toISOString(),
    notifications: {
      sent: row.notifications,
      lastFiringAt: iso(row.notifiedAt),
      resolvedAt: iso(row.resolvedNotifiedAt),
      nextDueAt: iso(row.notifyDueAt),
      failures: row.notifyFailures,
      lastError: row.lastNotifyError,
    },
    acknowledgedAt: iso(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    silencedUntil: iso(row.silencedUntil),
    silencedBy: row.silencedBy,
  };
}
