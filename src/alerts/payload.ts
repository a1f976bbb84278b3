import type { AlertRow } from "../db/schema.ts";
import { labelsOf } from "./labels.ts";

/** Alertmanager's "not ended yet" (Go's zero time), which receivers of its webhooks expect while firing. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

export const RECEIVER = "notification-service";

/**
 * The body of Alertmanager's webhook notification (`webhook_config`, payload version 4), for one
 * alert in a group of its own (grouped by alertname and integration_id), so that a receiver
 * written for Alertmanager understands it as it is.
 */
export function alertmanagerPayload(
  alert: AlertRow,
  status: "firing" | "resolved",
  options: { connector: string | null; externalUrl: string },
) {
  const labels = labelsOf(alert, options.connector);
  const annotations = { summary: alert.summary, description: alert.description };
  const groupLabels =
    alert.integrationId === null
      ? { alertname: alert.rule, scope: "system" }
      : { alertname: alert.rule, integration_id: alert.integrationId };
  const groupKey = `{}:{${Object.entries(groupLabels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ")}}`;
  return {
    version: "4",
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver: RECEIVER,
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: options.externalUrl,
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: alert.startsAt.toISOString(),
        endsAt: status === "resolved" && alert.endsAt ? alert.endsAt.toISOString() : ZERO_TIME,
        generatorURL: options.externalUrl ? `${options.externalUrl}/api/alerts/${alert.id}` : "",
        fingerprint: alert.fingerprint,
      },
    ],
  };
}
export type AlertmanagerPayload = ReturnType<typeof alertmanagerPayload>;
