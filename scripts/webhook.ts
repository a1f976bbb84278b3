/**
 * Sends a webhook to the local gateway as an ERP would, signed with the seed's scheme
 * (X-Webhook-Signature: sha256=<HMAC of "<timestamp>.<body>">) and the demo CSV integration's
 * secret, and prints the answer.
 *
 *   npm run -s webhook -- <integrationId>                                  # the seed's example
 *   npm run -s webhook -- <integrationId> '{"eventType":"inventory.changed","data":{"sku":"SKU-1","stock":3}}'
 *   npm run -s webhook -- <integrationId> '<body>' --secret whsec_...      # another integration's secret
 */
import { parseArgs } from "node:util";
import { demoWebhookSecret, seedSignature } from "./lib/demo-webhook.ts";
import { localJwtSecret } from "./lib/dev-vars.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { secret: { type: "string" }, gateway: { type: "string", default: "http://127.0.0.1:8787" } },
});
const [integrationId, given] = positionals;
if (!integrationId) {
  console.error("usage: npm run -s webhook -- <integrationId> [body] [--secret whsec_...]");
  process.exit(2);
}
const body =
  given ??
  JSON.stringify({
    eventType: "product.updated",
    data: { productId: "PROD-123", sku: "SKU-123", price: 29.99, stock: 100 },
  });
const secret = values.secret ?? demoWebhookSecret(localJwtSecret());
const res = await fetch(`${values.gateway}/webhooks/${integrationId}`, {
  method: "POST",
  headers: { "Content-Type": "application/json", ...seedSignature(secret, body) },
  body,
});
console.log(res.status, await res.text());
