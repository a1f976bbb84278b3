import type { Config } from "../config.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { throttled } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import { openCredentials } from "../integrations/credentials.ts";
import { connectorOf } from "../integrations/patch.ts";
import { guardedFetch } from "../net/guarded-fetch.ts";
import type { Connector } from "./definition.ts";

/**
 * The integration's connector, bound to its decrypted credentials and settings, calling out
 * only through the guarded fetch (SSRF policy, timeouts) under the integration's rate limit.
 * `source` overrides where rows come from (an upload).
 */
export async function connectorFor(
  env: Env,
  config: Config,
  integration: IntegrationRow,
  source?: string | null,
): Promise<Connector> {
  return connectorOf(integration.connector).create({
    integrationId: integration.id,
    merchantId: integration.merchantId,
    credentials: await openCredentials(config, integration),
    settings: integration.settings,
    fetch: throttled(env, guardConfig(integration), guardedFetch(config)),
    env,
    source: source ?? undefined,
  });
}
