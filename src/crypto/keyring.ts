import { fromBase64, fromHex, toBase64Url, toHex } from "./encoding.ts";

/** An AES-256-GCM key and its id: the first 8 bytes of SHA-256(key), hex. The id is the
 * "key version" stored beside every ciphertext, so a row says which key can open it. */
export interface DataKey {
  id: string;
  key: CryptoKey;
}

/** The current key encrypts; the previous one (during a rotation) can still decrypt. */
export interface Keyring {
  current: DataKey;
  previous: DataKey | undefined;
}

/**
 * Parses an `ENCRYPTION_KEY` value: exactly 32 random bytes, written as base64, base64url or
 * 64 hex digits (`openssl rand -base64 32`). Returns null for anything else, including the
 * seed's "32-char" passphrases, which carry far fewer than 256 bits of entropy.
 */
export function decodeKeyMaterial(text: string): Uint8Array<ArrayBuffer> | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return fromHex(trimmed);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(trimmed);
  } catch {
    return null;
  }
  // Only canonical base64 (re-encoding gives the same text): this turns away most 43-44
  // character passphrases that merely happen to use base64's alphabet.
  const canonical = toBase64Url(bytes) === trimmed.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return bytes.length === 32 && canonical ? bytes : null;
}

export async function importDataKey(material: Uint8Array<ArrayBuffer>): Promise<DataKey> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", material));
  const key = await crypto.subtle.importKey("raw", material, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return { id: toHex(digest.slice(0, 8)), key };
}

export async function importKeyring(
  current: Uint8Array<ArrayBuffer>,
  previous?: Uint8Array<ArrayBuffer>,
): Promise<Keyring> {
  return {
    current: await importDataKey(current),
    previous: previous ? await importDataKey(previous) : undefined,
  };
}
