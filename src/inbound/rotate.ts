import type { AuditActor } from "../audit/record.ts";
import { auditInsert } from "../audit/record.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { newSecret, retireSecrets } from "./secrets.ts";
import { webhookSettingsOf } from "./settings-of.ts";

/**
 * A new webhook secret for an integration: generated, or the one a sender dictates (Shopify's
 * app secret, the secret typed into WooCommerce). The secrets in force until now keep verifying
 * for the integration's overlap (`webhook.secretOverlapHours`, 24 h by default), so the sender
 * can switch without a delivery refused. The new secret is shown once, in the answer.
 */
export async function rotateSecret(
  config: Config,
  db: Db,
  actor: AuditActor,
  integration: IntegrationRow,
  given: string | undefined,
): Promise<{ secret: string; previousValidUntil: Date }> {
  const now = new Date();
  const overlapUntil = new Date(now.getTime() + webhookSettingsOf(integration).secretOverlapHours * 3_600_000);
  const fresh = await newSecret(config, db, integration.id, given);
  await db.batch([
    ...retireSecrets(db, integration.id, overlapUntil, now),
    fresh.insert,
    auditInsert(db, actor, {
      action: "integration.webhook_secret_rotated",
      outcome: "success",
      merchantId: integration.merchantId,
      target: { type: "integration", id: integration.id },
      details: { secretId: fresh.id, given: given !== undefined, previousValidUntil: overlapUntil.toISOString() },
    }),
  ]);
  return { secret: fresh.secret, previousValidUntil: overlapUntil };
}
