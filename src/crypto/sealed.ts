import { fromBase64, toBase64Url, utf8 } from "./encoding.ts";
import type { DataKey, Keyring } from "./keyring.ts";

/** A value encrypted at rest: which key sealed it, and base64url(iv ‖ ciphertext ‖ tag). */
export interface Sealed {
  keyId: string;
  ciphertext: string;
}

const IV_BYTES = 12;

/** Thrown when a sealed value cannot be opened: unknown key, or a failed authentication tag
 * (tampered ciphertext, IV or tag, or the wrong AAD, i.e. a ciphertext moved to another row). */
export class UnsealError extends Error {
  override name = "UnsealError";
}

/**
 * Encrypts JSON with AES-256-GCM under the current key. A fresh random 96-bit IV every time,
 * so equal plaintexts never give equal ciphertexts; `aad` binds the ciphertext to its owner
 * (e.g. `integration:int_…:credentials`) so it cannot be replayed on another row.
 */
export async function seal(keyring: Keyring, value: unknown, aad: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const encrypted = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8.encode(aad) },
    keyring.current.key,
    utf8.encode(JSON.stringify(value)),
  );
  const out = new Uint8Array(IV_BYTES + encrypted.byteLength);
  out.set(iv);
  out.set(new Uint8Array(encrypted), IV_BYTES);
  return { keyId: keyring.current.id, ciphertext: toBase64Url(out) };
}

/** Decrypts a value sealed by `seal` with the same `aad`, using whichever ring key sealed it. */
export async function unseal<T = unknown>(keyring: Keyring, sealed: Sealed, aad: string): Promise<T> {
  const key = findKey(keyring, sealed.keyId);
  if (!key)
    throw new UnsealError(
      `sealed with key ${sealed.keyId}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`,
    );
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(sealed.ciphertext);
  } catch {
    throw new UnsealError("ciphertext is not base64url");
  }
  if (bytes.length < IV_BYTES + 16) throw new UnsealError("ciphertext is truncated");
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: utf8.encode(aad) },
      key.key,
      bytes.slice(IV_BYTES),
    );
    return JSON.parse(utf8.decode(plain)) as T;
  } catch {
    throw new UnsealError("authentication failed (tampered data or wrong owner)");
  }
}

function findKey(keyring: Keyring, id: string): DataKey | undefined {
  if (keyring.current.id === id) return keyring.current;
  if (keyring.previous?.id === id) return keyring.previous;
  return undefined;
}
