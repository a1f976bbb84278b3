import { fromBase64, fromHex, utf8 } from "../../crypto/encoding.ts";

export type HmacAlgorithm = "sha256" | "sha512";

const HASH = { sha256: "SHA-256", sha512: "SHA-512" } as const;
/** Bytes of a digest; a decoded signature of any other length cannot match and is not tried. */
export const DIGEST_BYTES = { sha256: 32, sha512: 64 } as const;

/** `prefix` as UTF-8 followed by the raw body, without decoding the body as text. */
export function signedBytes(prefix: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = utf8.encode(prefix);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** A signature as the sender encoded it, or null when it is not that encoding or not `bytes` long. */
export function decodeSignature(text: string, encoding: "hex" | "base64", bytes: number): Uint8Array | null {
  try {
    const decoded = encoding === "hex" ? fromHex(text) : fromBase64(text);
    return decoded.length === bytes ? decoded : null;
  } catch {
    return null;
  }
}

export function importHmacKey(key: Uint8Array, algorithm: HmacAlgorithm): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key, { name: "HMAC", hash: HASH[algorithm] }, false, ["verify"]);
}

/**
 * Whether any signature is the HMAC of `content` under any key. `crypto.subtle.verify` computes
 * the MAC and compares it in constant time (workerd's BoringSSL), so no signature byte is ever
 * compared with `===`; which pair matched may show in the timing, and tells a forger nothing.
 */
export async function anyHmacMatches(
  keys: readonly CryptoKey[],
  signatures: readonly Uint8Array[],
  content: Uint8Array,
): Promise<boolean> {
  for (const key of keys) {
    for (const signature of signatures) {
      if (await crypto.subtle.verify("HMAC", key, signature, content)) return true;
    }
  }
  return false;
}

/** UTF-8 keys, as the seed's scheme, Shopify and WooCommerce use the secret text itself. */
export function textKeys(secrets: readonly string[], algorithm: HmacAlgorithm): Promise<CryptoKey[]> {
  return Promise.all(secrets.filter((s) => s.length > 0).map((s) => importHmacKey(utf8.encode(s), algorithm)));
}
