import { sha256Hex } from "../crypto/hash.ts";
import type { AlertRow } from "../db/schema.ts";

/** What identifies an alert: the rule and the integration, or the system. */
export interface AlertTarget {
  integrationId: string | null;
  merchantId: string | null;
  connector: string | null;
}

/** Alertmanager-style labels: only what identifies the alert, never a value that changes. */
export function labelsOf(
  alert: Pick<AlertRow, "rule" | "severity" | "integrationId" | "merchantId">,
  connector: string | null,
): Record<string, string> {
  if (alert.integrationId === null) return { alertname: alert.rule, scope: "system", severity: alert.severity };
  return {
    alertname: alert.rule,
    integration_id: alert.integrationId,
    merchant_id: alert.merchantId ?? "",
    ...(connector ? { connector } : {}),
    severity: alert.severity,
  };
}

/**
 * Like Alertmanager's, a hash of the identifying labels, 16 hex digits: the same for every
 * episode of one rule on one integration, so a receiver can tie a resolution to its firing.
 */
export async function fingerprintOf(rule: string, integrationId: string | null): Promise<string> {
  return (await sha256Hex(`alertname=${rule}\u0000integration_id=${integrationId ?? "system"}`)).slice(0, 16);
}
