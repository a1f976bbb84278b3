/**
 * A fresh webhook secret: `whsec_` + base64 of 32 random bytes, the Standard Webhooks form. The
 * same text serves every scheme: Standard Webhooks keys with the decoded bytes, the HMAC schemes
 * and `api_key` use the text as it is.
 */
export function generateWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary)}`;
}
