import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requireConfig } from "../../src/config.ts";
import { resealSecretRows } from "../../src/crypto/sealed-secrets.ts";
import { getDb } from "../../src/db/client.ts";
import { openSubscriptionSecrets } from "../../src/outbound/subscriptions/secrets.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { registered, storedSecrets } from "../helpers/subscriptions.ts";
import { newMerchant } from "../helpers/unique.ts";

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const setSealed = (id: string, keyId: string, ciphertext: string) =>
  env.DB.prepare("UPDATE subscription_secrets SET key_id = ?, ciphertext = ? WHERE id = ?")
    .bind(keyId, ciphertext, id)
    .run();

describe("sealed subscription secrets", () => {
  it("open only on their own row: a ciphertext moved to another subscription opens to nothing", async () => {
    const m = newMerchant("subs-seal");
    const integrationId = await csvIntegration(m);
    const [a, b] = [await registered(integrationId), await registered(integrationId)];
    const [rowA] = await storedSecrets(a.id);
    const [rowB] = await storedSecrets(b.id);
    if (!rowA || !rowB) throw new Error("no secret rows");
    await setSealed(rowB.id, rowA.key_id, rowA.ciphertext);
    const config = await requireConfig(env);
    expect(await openSubscriptionSecrets(config, getDb(env), b.id, new Date())).toEqual([]);
    expect(await openSubscriptionSecrets(config, getDb(env), a.id, new Date())).toEqual([a.secret]);
  });

  it("survive an ENCRYPTION_KEY rotation: opened with the previous key, then re-sealed under the new one", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs-seal")));
    const before = await requireConfig(env);
    const rotated = { ...env, ENCRYPTION_KEY: randomKey(), ENCRYPTION_KEY_PREVIOUS: env.ENCRYPTION_KEY };
    const after = await requireConfig(rotated as unknown as Env);
    const db = getDb(env);
    expect(await openSubscriptionSecrets(after, db, sub.id, new Date())).toEqual([sub.secret]);

    const [stored] = await storedSecrets(sub.id);
    if (!stored) throw new Error("no secret row");
    const { resealed, failed } = await resealSecretRows(
      after.keyring,
      [{ id: stored.id, keyId: stored.key_id, ciphertext: stored.ciphertext }],
      (row) => `subscription:${sub.id}:secret:${row.id}`,
    );
    expect(failed).toEqual([]);
    const [{ sealed }] = resealed as [(typeof resealed)[number]];
    expect(sealed.keyId).toBe(after.keyring.current.id);
    await setSealed(stored.id, sealed.keyId, sealed.ciphertext);

    expect(await openSubscriptionSecrets(after, db, sub.id, new Date())).toEqual([sub.secret]);
    // The old key alone can no longer open it: left out, not thrown.
    expect(await openSubscriptionSecrets(before, db, sub.id, new Date())).toEqual([]);
  });
});
