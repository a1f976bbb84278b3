import { createHash, createHmac } from "node:crypto";

/**
 * The demo CSV integration's webhook secret in `npm run dev`: derived from the local JWT_SECRET,
 * so that `npm run webhook` can sign without the secret being printed or stored anywhere else.
 * Dev only; a real integration's secret is random and shown once.
 */
export const demoWebhookSecret = (jwtSecret: string) =>
  `whsec_${createHash("sha256").update(`demo-webhook:${jwtSecret}`).digest("base64")}`;

/** The headers of the seed's scheme for `body`, as a sender computes them. */
export function seedSignature(secret: string, body: string, timestamp = new Date().toISOString()) {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return { "X-Webhook-Timestamp": timestamp, "X-Webhook-Signature": `sha256=${signature}` };
}
