import type { Config } from "../config.ts";
import type { SubscriptionRow } from "../db/schema.ts";
import { guardOf } from "../guard/client.ts";
import type { GuardConfig } from "../guard/config.ts";

/**
 * A subscription's deliveries go through a token bucket of their own, kept by a guard Durable
 * Object named after the subscription (the same class as an integration's guard; only its
 * bucket is used): a burst of events (a 100,000-item first sync is 200 item events per entity)
 * reaches a merchant's endpoint at `DELIVERY_RATE_PER_SECOND`, not all at once.
 */
function rateConfig(config: Config, subscription: SubscriptionRow): GuardConfig {
  const rate = { requests: config.outbound.ratePerSecond, perMs: 1000 };
  return {
    integrationId: `subscription:${subscription.id}`,
    merchantId: subscription.merchantId,
    circuit: { failureThreshold: 1_000_000, cooldownMs: 1000, maxCooldownMs: 1000 },
    rates: { sync: rate, interactive: rate },
    dedupeTtlMs: 0,
  };
}

/** Milliseconds until this subscription may be sent to: 0 now (a slot taken), else when to come back. */
export async function deliverySlot(env: Env, config: Config, subscription: SubscriptionRow): Promise<number> {
  const guardConfig = rateConfig(config, subscription);
  const slot = await guardOf(env, guardConfig.integrationId).reserveCall(guardConfig, 0, "sync");
  return slot.granted ? 0 : Math.max(1, slot.waitMs);
}
