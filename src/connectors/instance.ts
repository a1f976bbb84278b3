import type { ZodType } from "zod";
import type { Config } from "../config.ts";
import type { IntegrationRow } from "../db/schema.ts";
import { throttled } from "../guard/client.ts";
import { guardConfig } from "../guard/config.ts";
import type { Budget } from "../guard/rate-limit.ts";
import { openCredentials } from "../integrations/credentials.ts";
import { type GuardedFetch, guardedFetch } from "../net/guarded-fetch.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import { uploadByteSource } from "../uploads/byte-source.ts";
import { uploadIdOf } from "../uploads/ids.ts";
import type { Connector, ConnectorContext } from "./definition.ts";
import { connectorOf } from "./registry.ts";

/**
 * The integration's connector, bound to its decrypted credentials and settings, calling out
 * only through the guarded fetch (SSRF policy, timeouts) under the integration's rate limit:
 * `budget` is `sync` for sync pages and order exports, `interactive` for what a person asks
 * for through the API (previews, connection tests), which can then never slow the former.
 * `source` overrides where rows come from (an upload).
 *
 * @example const connector = await connectorFor(env, config, integration, { budget: "interactive" })
 */
export async function connectorFor(
  env: Env,
  config: Config,
  integration: IntegrationRow,
  options: { budget: Budget; source?: string | null; observe?: CallObserver },
): Promise<Connector> {
  const uploadId = uploadIdOf(options.source);
  const inner = guardedFetch(config);
  return bindConnector(integration, await openCredentials(config, integration), {
    fetch: throttled(
      env,
      guardConfig(integration),
      options.observe ? observed(inner, options.observe) : inner,
      options.budget,
    ),
    upload: uploadId ? uploadByteSource(env.DB, uploadId) : undefined,
  });
}

/**
 * Told of every call the connector makes to the merchant's system, after the rate limit: the
 * answer's status (or the error when none came) and how long it took. The scheduled health
 * check (src/health) reads the response time and whether the system is unwell from it, since a
 * capability report keeps only the words.
 */
export type CallObserver = (call: { status: number | null; error: unknown; latencyMs: number }) => void;

function observed(inner: GuardedFetch, observe: CallObserver): GuardedFetch {
  return async (url, init) => {
    const started = Date.now();
    try {
      const response = await inner(url, init);
      observe({ status: response.status, error: undefined, latencyMs: Date.now() - started });
      return response;
    } catch (error) {
      observe({ status: null, error, latencyMs: Date.now() - started });
      throw error;
    }
  };
}

/**
 * Creates the integration's connector with its credentials and settings parsed once by the
 * connector's own schemas, so that it gets them typed and with every default filled in.
 * Stored values that no longer pass (a connector changed its schema) are a permanent failure
 * that says what to change, not a crash inside the connector.
 */
export function bindConnector(
  integration: Pick<IntegrationRow, "id" | "merchantId" | "connector" | "settings">,
  credentials: Record<string, unknown>,
  io: Pick<ConnectorContext, "fetch" | "upload">,
): Connector {
  const definition = connectorOf(integration.connector);
  return definition.create({
    integrationId: integration.id,
    merchantId: integration.merchantId,
    credentials: parseStored(definition.credentials, credentials, "credentials", integration),
    settings: parseStored(definition.settings, integration.settings, "settings", integration),
    ...io,
  });
}

function parseStored(
  schema: ZodType,
  value: unknown,
  what: string,
  integration: Pick<IntegrationRow, "id" | "connector">,
): Record<string, unknown> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issues = parsed.error.issues.map((i) => `${what}.${i.path.join(".")}: ${i.message}`).join("; ");
  throw new UpstreamError(
    "connector",
    `The stored ${what} of ${integration.id} do not fit the ${integration.connector} connector (${issues}); change them with PATCH /api/integrations/${integration.id}`,
    { retryable: false },
  );
}
