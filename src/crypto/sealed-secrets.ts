import type { Keyring } from "./keyring.ts";
import { type Sealed, seal, UnsealError, unseal } from "./sealed.ts";

/** A stored, sealed secret: whichever table holds it, the key id and ciphertext columns. */
export interface SealedSecretRow {
  id: string;
  keyId: string;
  ciphertext: string;
}

/** Seals a secret's text bound to `aad` (its owner and row), for a secrets table. */
export const sealSecret = (keyring: Keyring, secret: string, aad: string): Promise<Sealed> =>
  seal(keyring, secret, aad);

/**
 * The plaintexts of sealed secret rows, in their order. One that cannot be opened (its key gone
 * from the keyring, or moved to another row) is left out: it would sign or verify nothing, and
 * the caller's own error says so until the operator restores the key or the secret is rotated.
 */
export async function openSecretRows<R extends SealedSecretRow>(
  keyring: Keyring,
  rows: readonly R[],
  aadOf: (row: R) => string,
): Promise<string[]> {
  const opened = await Promise.all(
    rows.map(async (row) => {
      try {
        return await unseal<string>(keyring, { keyId: row.keyId, ciphertext: row.ciphertext }, aadOf(row));
      } catch (error) {
        if (error instanceof UnsealError) return null;
        throw error;
      }
    }),
  );
  return opened.filter((s): s is string => typeof s === "string");
}

/**
 * Re-seals under the keyring's current key the rows sealed with another one (an ENCRYPTION_KEY
 * rotation): each row's new sealing, and the ones that cannot be opened, with why. The caller
 * writes the new values, conditional on the row's old key id so that a racing re-seal wins once.
 */
export async function resealSecretRows<R extends SealedSecretRow>(
  keyring: Keyring,
  rows: readonly R[],
  aadOf: (row: R) => string,
): Promise<{ resealed: { row: R; sealed: Sealed }[]; failed: { id: string; reason: string }[] }> {
  const resealed: { row: R; sealed: Sealed }[] = [];
  const failed: { id: string; reason: string }[] = [];
  for (const row of rows) {
    try {
      const aad = aadOf(row);
      const secret = await unseal<string>(keyring, { keyId: row.keyId, ciphertext: row.ciphertext }, aad);
      resealed.push({ row, sealed: await seal(keyring, secret, aad) });
    } catch (error) {
      failed.push({ id: row.id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { resealed, failed };
}
