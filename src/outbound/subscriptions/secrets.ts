import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, or, type SQLWrapper } from "drizzle-orm";
import type { Config } from "../../config.ts";
import { openSecretRows, resealSecretRows, sealSecret } from "../../crypto/sealed-secrets.ts";
import type { Db } from "../../db/client.ts";
import { literalRow } from "../../db/conditional-insert.ts";
import { newId } from "../../db/ids.ts";
import { type SubscriptionSecretRow, subscriptionSecrets, webhookSubscriptions } from "../../db/schema.ts";
import { generateWebhookSecret } from "../../inbound/verify/index.ts";

/** Binds a sealed signing secret to its subscription and row: moved elsewhere, it fails to open. */
const secretAad = (subscriptionId: string, secretId: string) => `subscription:${subscriptionId}:secret:${secretId}`;

/** How long a rotated-out secret keeps signing, unless the rotation says otherwise. */
export const DEFAULT_OVERLAP_HOURS = 24;

/**
 * A new signing secret for a subscription (generated unless given), sealed; the statement
 * inserts it only while the subscription exists, so in a creating batch it follows that insert.
 * The plaintext is for the one answer that shows it.
 */
export async function newSubscriptionSecret(config: Config, db: Db, subscriptionId: string, given?: string) {
  const secret = given ?? generateWebhookSecret();
  const id = newId("sws");
  const sealed = await sealSecret(config.keyring, secret, secretAad(subscriptionId, id));
  const row: SubscriptionSecretRow = {
    id,
    subscriptionId,
    keyId: sealed.keyId,
    ciphertext: sealed.ciphertext,
    createdAt: new Date(),
    expiresAt: null,
  };
  const insert = db
    .insert(subscriptionSecrets)
    .select(
      db
        .select(literalRow(subscriptionSecrets, row))
        .from(webhookSubscriptions)
        .where(eq(webhookSubscriptions.id, subscriptionId)) as never,
    );
  return { secret, id, insert };
}

/**
 * Statements of a rotation: secrets already past their overlap go, and the ones in force keep
 * signing until `overlapUntil` (never longer than they already would).
 */
export function retireSubscriptionSecrets(db: Db, subscriptionId: string, overlapUntil: Date, now: Date) {
  const mine = eq(subscriptionSecrets.subscriptionId, subscriptionId);
  return [
    db.delete(subscriptionSecrets).where(and(mine, lte(subscriptionSecrets.expiresAt, now))),
    db
      .update(subscriptionSecrets)
      .set({ expiresAt: overlapUntil })
      .where(and(mine, or(isNull(subscriptionSecrets.expiresAt), gt(subscriptionSecrets.expiresAt, overlapUntil)))),
  ] as const;
}

/** The secret rows that sign now, newest first (their values are never shown). */
export function subscriptionSecretsInForce(db: Db, subscriptionId: string, now: Date) {
  return db
    .select()
    .from(subscriptionSecrets)
    .where(
      and(
        eq(subscriptionSecrets.subscriptionId, subscriptionId),
        or(isNull(subscriptionSecrets.expiresAt), gt(subscriptionSecrets.expiresAt, now)),
      ),
    )
    .orderBy(desc(subscriptionSecrets.createdAt), desc(subscriptionSecrets.id))
    .all();
}

/**
 * The plaintext secrets a delivery is signed with now, newest first: one, or two during a
 * rotation's overlap (a signature for each). A secret whose key is gone is left out; with none
 * left the delivery cannot be signed and the caller should fail it rather than send it unsigned.
 */
export async function openSubscriptionSecrets(
  config: Config,
  db: Db,
  subscriptionId: string,
  now: Date,
): Promise<string[]> {
  const rows = await subscriptionSecretsInForce(db, subscriptionId, now);
  return openSecretRows(config.keyring, rows, (row) => secretAad(row.subscriptionId, row.id));
}

/** Deletes the secrets of the given subscriptions (an id list or a sub-select of ids). */
export const deleteSubscriptionSecrets = (db: Db, subscriptionIds: readonly string[] | SQLWrapper) =>
  db.delete(subscriptionSecrets).where(inArray(subscriptionSecrets.subscriptionId, subscriptionIds));

/**
 * Re-seals under the current ENCRYPTION_KEY up to `limit` subscription secrets sealed with
 * another key, for the credentials re-encryption (src/integrations/reencrypt.ts): the updates
 * to run, the rows that could not be opened, and the condition that counts what is left.
 */
export async function reencryptSubscriptionSecrets(config: Config, db: Db, limit: number) {
  const t = subscriptionSecrets;
  const stale = ne(t.keyId, config.keyring.current.id);
  const rows = await db.select().from(t).where(stale).orderBy(asc(t.id)).limit(limit).all();
  const { resealed, failed } = await resealSecretRows(config.keyring, rows, (row) =>
    secretAad(row.subscriptionId, row.id),
  );
  const updates = resealed.map(({ row, sealed }) =>
    db
      .update(t)
      .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
      .where(and(eq(t.id, row.id), eq(t.keyId, row.keyId))),
  );
  return { updates, failed, stale };
}
