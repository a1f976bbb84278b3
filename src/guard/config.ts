import type { IntegrationRow } from "../db/schema.ts";
import type { CircuitSettings } from "./circuit.ts";
import type { Budget, RateSettings } from "./rate-limit.ts";
import { guardSettings } from "./settings.ts";

/** What the guard of one integration needs to know, sent with every call (settings may change). */
export interface GuardConfig {
  integrationId: string;
  merchantId: string;
  circuit: CircuitSettings;
  /** Calls to the merchant's system: syncs and orders, and previews and connection tests apart. */
  rates: Record<Budget, RateSettings>;
  dedupeTtlMs: number;
}

/** The guard settings of an integration; rows saved before a setting existed get its default. */
export function guardConfig(integration: Pick<IntegrationRow, "id" | "merchantId" | "settings">): GuardConfig {
  const s = guardSettings.parse(integration.settings);
  return {
    integrationId: integration.id,
    merchantId: integration.merchantId,
    circuit: {
      failureThreshold: s.circuitFailureThreshold,
      cooldownMs: s.circuitCooldownSeconds * 1000,
      maxCooldownMs: Math.max(s.circuitMaxCooldownSeconds, s.circuitCooldownSeconds) * 1000,
    },
    rates: {
      sync: { requests: s.rateLimitRequests, perMs: perMs(s.rateLimitPer) },
      interactive: { requests: s.interactiveRateLimitRequests, perMs: perMs(s.interactiveRateLimitPer) },
    },
    dedupeTtlMs: s.webhookDedupeHours * 3_600_000,
  };
}

const perMs = (per: "second" | "minute") => (per === "minute" ? 60_000 : 1000);
