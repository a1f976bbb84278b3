import { z } from "@hono/zod-openapi";
import { requireConfig } from "../config.ts";
import { accepted, ok } from "../http/envelope.ts";
import { errorResponse } from "../http/render-error.ts";
import { EVENT_TYPES } from "../inbound/event-types.ts";
import { receiveWebhook } from "../inbound/receive.ts";
import { errorResponses } from "../openapi/schemas.ts";
import { createRouter } from "./router.ts";

/** POST /webhooks/{integrationId}: incoming webhooks, verified at the edge (no token: the signature is the credential). */
export const webhookReceiver = createRouter();

const Receipt = z
  .object({
    id: z.string().nullable().openapi({ description: "The gateway's id of the event (GET /api/events/{id})" }),
    status: z.enum(["received", "unsupported"]).optional(),
    duplicate: z.boolean(),
  })
  .openapi("WebhookReceipt");

// The body is read raw and verified before it is parsed, so the route declares it for the
// document only (a declared body would be parsed by the validator first).
webhookReceiver.openAPIRegistry.registerPath({
  method: "post",
  path: "/{integrationId}",
  tags: ["Incoming webhooks"],
  summary: "Receive a webhook",
  description: [
    "Verified on the raw bytes, before anything is parsed, with the integration's `settings.webhook.scheme`:",
    "`seed` — `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of '<X-Webhook-Timestamp>.<body>'>` with `X-Webhook-Timestamp` (ISO 8601 or Unix seconds);",
    "`standard` — Standard Webhooks `webhook-id`, `webhook-timestamp`, `webhook-signature` (`v1,<base64>` entries; `v1a` ed25519 with `settings.webhook.publicKey`);",
    "`hmac` — the header, algorithm, encoding and signed content of `settings.webhook.hmac`;",
    "`shopify` — `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the body), the event named by `X-Shopify-Topic`;",
    "`woocommerce` — `X-WC-Webhook-Signature` likewise, the event named by `X-WC-Webhook-Topic`;",
    "`api_key` — `X-API-Key` equal to the secret.",
    "Signed timestamps more than `settings.webhook.toleranceSeconds` (300) away are refused.",
    "Then deduplicated by the sender's event id and held by the integration's guard, which stores and queues it moments later (GET /api/events/{id} shows it from then); nothing slow happens before the answer.",
    `Event types processed: ${EVENT_TYPES.join(", ")}; others are stored as unsupported. Outcomes: GET /api/events/{id}.`,
  ].join(" "),
  request: {
    params: z.object({ integrationId: z.string().openapi({ param: { name: "integrationId", in: "path" } }) }),
    body: {
      content: {
        "application/json": {
          schema: z
            .object({
              eventType: z.string(),
              eventId: z.string().optional(),
              sequence: z.number().optional(),
              data: z.unknown(),
            })
            .openapi({
              example: {
                eventType: "product.updated",
                data: { productId: "PROD-123", sku: "SKU-123", price: 29.99, stock: 100 },
              },
            }),
        },
      },
    },
  },
  responses: {
    202: {
      description: "Taken: held by the integration's guard, stored and queued moments later",
      content: { "application/json": { schema: z.object({ success: z.literal(true), data: Receipt }) } },
    },
    200: {
      description: "A duplicate of an event already received: not processed again",
      content: { "application/json": { schema: z.object({ success: z.literal(true), data: Receipt }) } },
    },
    ...errorResponses(400, 401, 413, 429, 503),
  },
});

webhookReceiver.post("/:integrationId", async (c) => {
  const config = await requireConfig(c.env);
  const receipt = await receiveWebhook(c.env, config, {
    integrationId: c.req.param("integrationId"),
    request: c.req.raw,
    defer: (promise) => c.executionCtx.waitUntil(promise),
    log: c.get("log"),
  });
  switch (receipt.kind) {
    case "accepted":
      return accepted(c, { id: receipt.id, status: receipt.status, duplicate: false });
    case "duplicate":
      return ok(c, { id: receipt.id, duplicate: true });
    case "ping":
      return ok(c, { id: null, duplicate: false });
    case "refused":
      return errorResponse(c, receipt.error);
  }
});
