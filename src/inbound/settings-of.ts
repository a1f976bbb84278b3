import type { IntegrationRow } from "../db/schema.ts";
import { type WebhookSettings, webhookSettings } from "./settings.ts";

/**
 * An integration's webhook settings with their defaults. Stored settings were validated when
 * saved; ones saved before webhooks existed have none, and get every default.
 */
export function webhookSettingsOf(integration: Pick<IntegrationRow, "settings">): WebhookSettings {
  const parsed = webhookSettings.safeParse(integration.settings.webhook ?? {});
  return parsed.success ? parsed.data : webhookSettings.parse({});
}
