import { eq } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { type IntegrationRow, integrations } from "../db/schema.ts";
import { type GuardConfig, guardConfig } from "../guard/config.ts";
import { openSecrets, secretsInForce } from "./secrets.ts";
import type { WebhookSettings } from "./settings.ts";
import { webhookSettingsOf } from "./settings-of.ts";

/**
 * What receiving needs of an integration: its row, its webhook and guard settings read (once,
 * not per delivery) and its secrets, opened, with their expiry.
 */
export interface Receiver {
  integration: IntegrationRow;
  settings: WebhookSettings;
  guard: GuardConfig;
  secrets: { secret: string; expiresAt: number | null }[];
}

/** Isolates keep at most this many integrations' receivers (unknown ids included). */
const MAX_CACHED = 1000;
const cache = new Map<string, { until: number; receiver: Receiver | null }>();

/**
 * The integration and its secrets in one round trip, remembered by the isolate for
 * `config.webhookCacheSeconds` (10 s by default; 0 turns it off): a sender's deliveries arrive in
 * bursts, and two D1 reads per delivery would be most of its cost. A secret's expiry is kept with
 * it and applied at each delivery, so an overlap ends on time; a secret rotated in by another
 * isolate is found by `fresh` (a failed verification reads again). Other changes — a pause, new
 * settings, a deletion — reach a delivery at most that many seconds late.
 */
export async function loadReceiver(
  config: Config,
  dbOf: () => Db,
  integrationId: string,
  now: number,
  options: { fresh?: boolean } = {},
): Promise<Receiver | null> {
  const ttl = config.webhookCacheSeconds * 1000;
  const cached = cache.get(integrationId);
  if (ttl > 0 && !options.fresh && cached && cached.until > now) return cached.receiver;
  const db = dbOf();
  const [rows, secretRows] = await db.batch([
    db.select().from(integrations).where(eq(integrations.id, integrationId)).limit(1),
    secretsInForce(db, integrationId, new Date(now)),
  ]);
  const integration = rows[0];
  const opened = await Promise.all(
    secretRows.map(async (row) => ({
      secret: (await openSecrets(config, [row]))[0],
      expiresAt: row.expiresAt?.getTime() ?? null,
    })),
  );
  const receiver = integration
    ? {
        integration,
        settings: webhookSettingsOf(integration),
        guard: guardConfig(integration),
        secrets: opened.flatMap((s) => (s.secret === undefined ? [] : [{ secret: s.secret, expiresAt: s.expiresAt }])),
      }
    : null;
  if (ttl > 0) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(integrationId, { until: now + ttl, receiver });
  }
  return receiver;
}

/** The secrets that verify at `now`, newest first. */
export const secretsAt = (receiver: Receiver, now: number) =>
  receiver.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => s.secret);
