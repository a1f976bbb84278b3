import { and, asc, desc, eq, gt, isNull, lte, ne, or } from "drizzle-orm";
import type { Config } from "../config.ts";
import { openSecretRows, resealSecretRows, sealSecret } from "../crypto/sealed-secrets.ts";
import type { Db } from "../db/client.ts";
import { literalRow } from "../db/conditional-insert.ts";
import { newId } from "../db/ids.ts";
import { integrations, type WebhookSecretRow, webhookSecrets } from "../db/schema.ts";
import { generateWebhookSecret } from "./verify/index.ts";

/** Binds a sealed webhook secret to its integration and row: moved elsewhere, it fails to open. */
const secretAad = (integrationId: string, secretId: string) =>
  `integration:${integrationId}:webhook-secret:${secretId}`;

/**
 * A new current secret for an integration (a generated one unless the sender dictates its own,
 * as Shopify and WooCommerce do), sealed; the statement inserts it. The plaintext is for the
 * one answer that shows it.
 */
export async function newSecret(
  config: Config,
  db: Db,
  integrationId: string,
  given?: string,
): Promise<{ secret: string; id: string; insert: ReturnType<typeof insertSecret> }> {
  const secret = given ?? generateWebhookSecret();
  const id = newId("whs");
  const sealed = await sealSecret(config.keyring, secret, secretAad(integrationId, id));
  const row: WebhookSecretRow = {
    id,
    integrationId,
    keyId: sealed.keyId,
    ciphertext: sealed.ciphertext,
    createdAt: new Date(),
    expiresAt: null,
  };
  return { secret, id, insert: insertSecret(db, row) };
}

/** Written only while its integration exists: in the batch that creates one, it follows that insert. */
const insertSecret = (db: Db, row: WebhookSecretRow) =>
  db
    .insert(webhookSecrets)
    .select(
      db
        .select(literalRow(webhookSecrets, row))
        .from(integrations)
        .where(eq(integrations.id, row.integrationId)) as never,
    );

/**
 * Statements of a rotation: the secrets in force now verify until `overlapUntil` besides the new
 * one, and secrets already past their overlap are deleted.
 */
export function retireSecrets(db: Db, integrationId: string, overlapUntil: Date, now: Date) {
  return [
    db
      .delete(webhookSecrets)
      .where(and(eq(webhookSecrets.integrationId, integrationId), lte(webhookSecrets.expiresAt, now))),
    db
      .update(webhookSecrets)
      .set({ expiresAt: overlapUntil })
      .where(
        and(
          eq(webhookSecrets.integrationId, integrationId),
          or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, overlapUntil)),
        ),
      ),
  ] as const;
}

/** The secrets that verify now, newest first, with the rows they came from (never shown); batchable. */
export function secretsInForce(db: Db, integrationId: string, now: Date) {
  return db
    .select()
    .from(webhookSecrets)
    .where(
      and(
        eq(webhookSecrets.integrationId, integrationId),
        or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, now)),
      ),
    )
    .orderBy(desc(webhookSecrets.createdAt), desc(webhookSecrets.id));
}

/**
 * The plaintexts of the secrets in force. One that cannot be opened (its key gone from the
 * keyring) is left out: it verifies nothing, and the refusals say "bad signature" until the
 * operator restores the key or the merchant rotates.
 */
export function openSecrets(config: Config, rows: readonly WebhookSecretRow[]): Promise<string[]> {
  return openSecretRows(config.keyring, rows, (row) => secretAad(row.integrationId, row.id));
}

export function deleteSecrets(db: Db, integrationId: string) {
  return db.delete(webhookSecrets).where(eq(webhookSecrets.integrationId, integrationId));
}

/**
 * Re-seals under the current ENCRYPTION_KEY up to `limit` webhook secrets sealed with another
 * key (part of the credentials re-encryption, src/integrations/reencrypt.ts). Re-sealed rows
 * leave the stale set, so repeated calls finish; ones that cannot be opened are reported.
 */
export async function reencryptSecrets(config: Config, db: Db, limit: number) {
  const current = config.keyring.current.id;
  const stale = ne(webhookSecrets.keyId, current);
  const rows = await db.select().from(webhookSecrets).where(stale).orderBy(asc(webhookSecrets.id)).limit(limit).all();
  const { resealed, failed } = await resealSecretRows(config.keyring, rows, (row) =>
    secretAad(row.integrationId, row.id),
  );
  const updates = resealed.map(({ row, sealed }) =>
    db
      .update(webhookSecrets)
      .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
      .where(and(eq(webhookSecrets.id, row.id), eq(webhookSecrets.keyId, row.keyId))),
  );
  return { updates, failed, stale };
}
