import { baseSettings } from "../connectors/definition.ts";
import type { IntegrationRow } from "../db/schema.ts";
import type { CircuitSettings } from "./circuit.ts";
import type { RateSettings } from "./rate-limit.ts";

/** What the guard of one integration needs to know, sent with every call (settings may change). */
export interface GuardConfig {
  integrationId: string;
  merchantId: string;
  circuit: CircuitSettings;
  rate: RateSettings;
  dedupeTtlMs: number;
}

/** The guard settings of an integration; rows saved before a setting existed get its default. */
export function guardConfig(integration: Pick<IntegrationRow, "id" | "merchantId" | "settings">): GuardConfig {
  const s = baseSettings.parse(integration.settings);
  return {
    integrationId: integration.id,
    merchantId: integration.merchantId,
    circuit: {
      failureThreshold: s.circuitFailureThreshold,
      cooldownMs: s.circuitCooldownSeconds * 1000,
      maxCooldownMs: Math.max(s.circuitMaxCooldownSeconds, s.circuitCooldownSeconds) * 1000,
    },
    rate: { requests: s.rateLimitRequests, perMs: s.rateLimitPer === "minute" ? 60_000 : 1000 },
    dedupeTtlMs: s.webhookDedupeHours * 3_600_000,
  };
}
