import { z } from "@hono/zod-openapi";
import { and, asc, count, eq, gt, ne } from "drizzle-orm";
import { auditInsert } from "../audit/record.ts";
import { integrations, subscriptionSecrets as subscriptionSecretsTable, webhookSecrets } from "../db/schema.ts";
import { reencryptSecrets } from "../inbound/secrets.ts";
import { reencryptSubscriptionSecrets } from "../outbound/subscriptions/secrets.ts";
import { openCredentials, sealCredentials } from "./credentials.ts";
import type { Deps } from "./lifecycle.ts";

export const ReencryptBody = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    after: z.string().max(64).optional().openapi({ description: "The `next` of the previous call" }),
  })
  .strict()
  .prefault({});

export const ReencryptResult = z
  .object({
    keyId: z.string().openapi({ description: "Id of the current ENCRYPTION_KEY" }),
    reencrypted: z.number().int(),
    failed: z.array(z.object({ id: z.string(), reason: z.string() })),
    remaining: z.number().int().openapi({ description: "Rows still sealed with another key (failed ones included)" }),
    next: z.string().nullable().openapi({ description: "Pass as `after`; null when this pass is done" }),
  })
  .openapi("ReencryptResult");

/**
 * Re-seals, under the current ENCRYPTION_KEY, up to `limit` integrations whose credentials
 * were sealed with another key (the one in ENCRYPTION_KEY_PREVIOUS), in id order after
 * `after`, and up to `limit` incoming and outgoing webhook secrets each sealed with another key. Each row is updated only
 * if nobody re-sealed it meanwhile. Rows that cannot be opened are reported, not changed.
 */
export async function reencryptCredentials(deps: Deps, input: z.infer<typeof ReencryptBody>) {
  const { db, config } = deps;
  const current = config.keyring.current.id;
  const stale = ne(integrations.credentialsKeyId, current);
  const rows = await db
    .select()
    .from(integrations)
    .where(input.after ? and(stale, gt(integrations.id, input.after)) : stale)
    .orderBy(asc(integrations.id))
    .limit(input.limit);

  const failed: { id: string; reason: string }[] = [];
  const updates = [];
  for (const row of rows) {
    try {
      const sealed = await sealCredentials(config, row.id, await openCredentials(config, row));
      updates.push(
        db
          .update(integrations)
          .set({ credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId })
          .where(and(eq(integrations.id, row.id), eq(integrations.credentialsKeyId, row.credentialsKeyId))),
      );
    } catch (error) {
      failed.push({ id: row.id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const secrets = await reencryptSecrets(config, db, input.limit);
  const subscriptionSecrets = await reencryptSubscriptionSecrets(config, db, input.limit);
  failed.push(...secrets.failed, ...subscriptionSecrets.failed);
  const reencrypted = updates.length + secrets.updates.length + subscriptionSecrets.updates.length;
  if (reencrypted > 0 || failed.length > 0) {
    const audit = auditInsert(db, deps.actor, {
      action: "credentials.reencrypted",
      outcome: failed.length > 0 ? "error" : "success",
      merchantId: null,
      details: { keyId: current, reencrypted, failed: failed.map((f) => f.id) },
    });
    await db.batch([audit, ...updates, ...secrets.updates, ...subscriptionSecrets.updates]);
  }
  const [[left], [leftSecrets], [leftSubscriptionSecrets]] = await db.batch([
    db.select({ n: count() }).from(integrations).where(stale),
    db.select({ n: count() }).from(webhookSecrets).where(secrets.stale),
    db.select({ n: count() }).from(subscriptionSecretsTable).where(subscriptionSecrets.stale),
  ]);
  return {
    keyId: current,
    reencrypted,
    failed,
    remaining: (left?.n ?? 0) + (leftSecrets?.n ?? 0) + (leftSubscriptionSecrets?.n ?? 0),
    next: rows.length === input.limit ? (rows.at(-1)?.id ?? null) : null,
  };
}
