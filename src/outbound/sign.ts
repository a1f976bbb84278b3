import { fromBase64, utf8 } from "../crypto/encoding.ts";
import { generateWebhookSecret } from "../inbound/verify/secret.ts";

/**
 * Signing of outgoing deliveries, Standard Webhooks 1.0 (spec/standard-webhooks.md in
 * standard-webhooks/standard-webhooks): HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`,
 * sent as `v1,<base64>`. While a secret is being rotated both the new and the old one sign, their
 * entries space-separated in one `webhook-signature`, so a receiver holding either verifies.
 */
const PREFIX = "whsec_";

/** A fresh subscription secret, `whsec_` + base64 of 32 random bytes (shared with the inbound side). */
export const generateSubscriptionSecret = (): string => generateWebhookSecret();

/**
 * The three Standard Webhooks headers for one attempt. `webhookId` stays the same on every attempt
 * of a delivery (receivers drop duplicates by it); `timestampSeconds` is the attempt's own time,
 * so a retry hours later is not refused as stale.
 *
 * @example
 *   const headers = await signatureHeaders([secret], delivery.eventId, Math.floor(Date.now() / 1000), body);
 */
export async function signatureHeaders(
  secrets: readonly string[],
  webhookId: string,
  timestampSeconds: number,
  body: string,
): Promise<Record<string, string>> {
  if (secrets.length === 0) throw new Error("A delivery needs at least one signing secret");
  if (!Number.isSafeInteger(timestampSeconds)) throw new Error("webhook-timestamp must be whole seconds");
  const content = utf8.encode(`${webhookId}.${timestampSeconds}.${body}`);
  const entries = await Promise.all(secrets.map(async (secret) => `v1,${await hmacBase64(keyBytes(secret), content)}`));
  return {
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": entries.join(" "),
  };
}

/**
 * The key is the base64 after `whsec_` (a secret without the prefix is read as base64 too, as the
 * reference libraries do). A secret that decodes to nothing is corrupt data, not a condition to
 * route around: dropping one signature silently mid-rotation would fail receivers for no visible reason.
 */
function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  let key: Uint8Array<ArrayBuffer>;
  try {
    key = fromBase64(encoded);
  } catch {
    throw new Error("A subscription secret is not whsec_ + base64");
  }
  if (key.length === 0) throw new Error("A subscription secret has an empty key");
  return key;
}

async function hmacBase64(key: Uint8Array<ArrayBuffer>, content: Uint8Array<ArrayBuffer>): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, content));
  let binary = "";
  for (const b of mac) binary += String.fromCharCode(b);
  return btoa(binary);
}
