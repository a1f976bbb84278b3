import { toHex } from "../../crypto/encoding.ts";

/**
 * The sender's id for the event: the scheme's own header first (Standard Webhooks signs its
 * `webhook-id`, a configured header is not signed), then the integration's `eventIdHeader`.
 * Null when neither is there; the endpoint then falls back to the body's `eventId` or a hash.
 */
export function eventIdFrom(
  headers: Headers,
  schemeHeaders: readonly string[],
  configured: string | undefined,
): string | null {
  for (const name of configured === undefined ? schemeHeaders : [...schemeHeaders, configured]) {
    const value = headers.get(name);
    if (value) return value;
  }
  return null;
}

/** `<id>.<first 16 bytes of SHA-256(body) as hex>`: one id per distinct body under the same header id. */
export async function withBodyDigest(id: string, body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return `${id}.${toHex(digest.subarray(0, 16))}`;
}
