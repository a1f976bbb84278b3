import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { SYNC_TYPES } from "../db/schema.ts";

/**
 * The published catalogue of outgoing webhook events. Payloads are small and stable: the ids
 * and the changed fields, never whole records or catalogues. Adding an optional field is not a
 * breaking change; renaming or removing one is, and gets a new event type instead.
 *
 * Every delivery is the Standard Webhooks envelope `{ type, timestamp, data }`.
 */

/** The most items one `product.updated` / `inventory.changed` / `price.changed` event carries. */
export const MAX_BATCH_ITEMS = 500;

const id = (description: string, example: string) => z.string().openapi({ description, example });
const RunId = id("The sync run (GET /api/runs/{runId})", "run_01JD3W8Z5Q6Y7X8V9T0S1R2P3N");
const IntegrationId = id("The integration", "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N");
const SubscriptionId = id("The subscription", "sub_01JD3W8Z5Q6Y7X8V9T0S1R2P3N");
const Sku = z.string().openapi({ example: "SKU-123" });
const Instant = z.iso.datetime().openapi({ example: "2024-01-20T10:30:00.000Z" });
/** The circuit's own clock values, as the guard writes them into the outbox. */
const EpochMs = z
  .number()
  .int()
  .nullable()
  .openapi({ description: "Milliseconds since 1970 (UTC)", example: 1705746600000 });

const Source = z
  .union([
    z.object({ runId: RunId }).strict(),
    z
      .object({
        webhookEventId: id("The incoming webhook event (GET /api/events/{eventId})", "wev_01JD3W8Z5Q6Y7X8V9T0S1R2P3N"),
      })
      .strict(),
  ])
  .openapi({ description: "What brought the change: a sync run's page, or one incoming webhook event" });

/** A batch of changed items: one event per sync page or per incoming event, at most MAX_BATCH_ITEMS. */
const batch = <T extends z.ZodType>(item: T, what: string) =>
  z.object({
    integrationId: IntegrationId,
    source: Source,
    items: z
      .array(item)
      .min(1)
      .max(MAX_BATCH_ITEMS)
      .openapi({
        description: `The ${what} that changed, only the fields that changed besides \`sku\`; at most ${MAX_BATCH_ITEMS} per event (a larger page is split into several events)`,
      }),
  });

const SyncType = z.enum(SYNC_TYPES);
const DeliveryOutcome = z.object({
  subscriptionId: SubscriptionId,
  deliveryId: id("The delivery", "dlv_01JD3W8Z5Q6Y7X8V9T0S1R2P3N"),
  eventId: id("The event delivered, also its `webhook-id`", "evt_01JD3W8Z5Q6Y7X8V9T0S1R2P3N"),
  eventType: z.string().openapi({ example: "inventory.changed" }),
  attempts: z.number().int().min(0),
  lastStatusCode: z.number().int().nullable().openapi({ example: 503 }),
  lastError: z.string().nullable().openapi({ example: "HTTP 503 Service Unavailable" }),
});

const Circuit = z.object({
  integrationId: IntegrationId,
  state: z.enum(["closed", "open", "half_open"]),
  openedAt: EpochMs,
  nextProbeAt: EpochMs,
  opens: z.number().int().min(0).openapi({ description: "Times opened since it was last closed by a success" }),
  lastFailure: z.string().nullable().openapi({ example: "ERP answered 503" }),
});

export const EVENT_CATALOGUE = {
  "sync.completed": {
    description: "A sync run ended with every page done (some items may have been rejected).",
    schema: z.object({
      runId: RunId,
      integrationId: IntegrationId,
      syncType: SyncType,
      status: z.enum(["succeeded", "partial"]).openapi({ description: "`partial`: some items were rejected" }),
      itemsRead: z.number().int().min(0),
      itemsPushed: z.number().int().min(0),
      itemsRejected: z.number().int().min(0),
      startedAt: Instant,
      finishedAt: Instant,
    }),
  },
  "sync.failed": {
    description: "A sync run ended without finishing.",
    schema: z.object({
      runId: RunId,
      integrationId: IntegrationId,
      syncType: SyncType,
      status: z
        .enum(["failed", "dead"])
        .openapi({ description: "`dead`: its retries ran out (a dead letter to replay)" }),
      error: z.string().openapi({ example: "ERP answered 401: check the credentials" }),
    }),
  },
  "product.updated": {
    description: `Products changed on the platform, batched per sync page or incoming event (at most ${MAX_BATCH_ITEMS} items).`,
    schema: batch(
      z.object({
        sku: Sku,
        name: z.string().optional(),
        active: z.boolean().optional(),
        barcode: z.string().optional(),
        unit: z.string().optional(),
        category: z.string().optional(),
        brand: z.string().optional(),
        vatRate: z.number().optional(),
      }),
      "products",
    ),
  },
  "inventory.changed": {
    description: `Stock levels changed on the platform, batched per sync page or incoming event (at most ${MAX_BATCH_ITEMS} items).`,
    schema: batch(
      z.object({ sku: Sku, stock: z.number().int().min(0), warehouse: z.string().optional() }),
      "stock levels",
    ),
  },
  "price.changed": {
    description: `Prices changed on the platform, batched per sync page or incoming event (at most ${MAX_BATCH_ITEMS} items).`,
    schema: batch(
      z.object({ sku: Sku, price: z.number(), currency: z.string().openapi({ example: "TRY" }) }),
      "prices",
    ),
  },
  "order.exported": {
    description: "A platform order was written into the merchant's ERP (or found there already).",
    schema: z.object({
      orderId: id("The gateway's order (GET /api/orders/{orderId})", "ord_01JD3W8Z5Q6Y7X8V9T0S1R2P3N"),
      orderNumber: z.string().openapi({ example: "ORD-2024-0001" }),
      erpOrderId: z.string().openapi({ example: "SO-000123" }),
      createdInErp: z.boolean().openapi({ description: "False when the ERP already had it (an idempotent retry)" }),
    }),
  },
  "order.failed": {
    description: "A platform order could not be written into the ERP; it will not be tried again by itself.",
    schema: z.object({
      orderId: id("The gateway's order", "ord_01JD3W8Z5Q6Y7X8V9T0S1R2P3N"),
      orderNumber: z.string().openapi({ example: "ORD-2024-0001" }),
      reason: z.string().nullable().openapi({ example: "unknown SKU: SKU-999" }),
    }),
  },
  "integration.circuit_opened": {
    description: "The integration's circuit breaker opened: calls to its ERP pause until the next probe.",
    schema: Circuit,
  },
  "integration.circuit_closed": {
    description: "The integration's circuit breaker closed again after a successful probe (or a reset).",
    schema: Circuit,
  },
  "subscription.disabled": {
    description:
      "The gateway disabled a subscription (it kept failing too long, or answered 410 Gone); its events are held until it is enabled. Not sent when an operator disables one.",
    schema: z.object({
      subscriptionId: SubscriptionId,
      reason: z.string().openapi({ example: "failing since 2024-01-15T10:30:00.000Z" }),
      failingSince: Instant.nullable(),
    }),
  },
  "delivery.failing": {
    description: "A delivery's attempt failed and it will be retried on the schedule.",
    schema: DeliveryOutcome,
  },
  "delivery.exhausted": {
    description: "A delivery used its whole retry schedule; redeliver or replay it.",
    schema: DeliveryOutcome,
  },
  "delivery.recovered": {
    description: "A delivery succeeded after failed attempts.",
    schema: DeliveryOutcome,
  },
} as const satisfies Record<string, { description: string; schema: z.ZodType }>;

export type OutboundEventType = keyof typeof EVENT_CATALOGUE;
export const OUTBOUND_EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as [OutboundEventType, ...OutboundEventType[]];

/** Subscribes to every type in the catalogue, including ones added later. */
export const ALL_EVENTS = "*";

export const isOutboundEventType = (type: string): type is OutboundEventType => Object.hasOwn(EVENT_CATALOGUE, type);

/** The payload of `type`, for the fan-out to check what it is about to send. */
export type EventData<T extends OutboundEventType> = z.infer<(typeof EVENT_CATALOGUE)[T]["schema"]>;

/** `sync.completed` -> `SyncCompletedEvent`: the component name of its envelope. */
const componentName = (type: string) =>
  `${type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")}Event`;

/** The envelope of one type, as delivered. */
export function envelopeOf<T extends OutboundEventType>(type: T) {
  return z
    .object({
      type: z.literal(type),
      timestamp: Instant.openapi({ description: "When the event happened" }),
      data: EVENT_CATALOGUE[type].schema,
    })
    .openapi(componentName(type), { description: EVENT_CATALOGUE[type].description });
}

const StandardWebhookHeaders = z.object({
  "webhook-id": z.string().openapi({
    description: "The event's id, the same on every attempt and replay: drop a delivery whose id you have seen",
    example: "evt_01JD3W8Z5Q6Y7X8V9T0S1R2P3N",
  }),
  "webhook-timestamp": z.string().openapi({
    description: "Unix seconds when this attempt was signed; refuse ones more than 5 minutes away",
    example: "1705746600",
  }),
  "webhook-signature": z.string().openapi({
    description:
      "Space-separated `v1,<base64 HMAC-SHA256 of '<webhook-id>.<webhook-timestamp>.<body>'>` keyed with the base64-decoded part of the `whsec_` secret; during a secret rotation's overlap one signature per secret in force, newest first",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

/** The registry an app documents itself with (zod-to-openapi's, which hono does not re-export). */
type OpenAPIRegistry = OpenAPIHono["openAPIRegistry"];

const registered = new WeakSet<OpenAPIRegistry>();

/**
 * Lists every catalogue type under the document's `webhooks` (OpenAPI 3.1): what a subscriber
 * receives, with the Standard Webhooks headers. Idempotent per registry.
 *
 * @example registerWebhookCatalogue(app.openAPIRegistry)
 */
export function registerWebhookCatalogue(registry: OpenAPIRegistry): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  for (const type of OUTBOUND_EVENT_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      tags: ["Outgoing webhooks"],
      summary: type,
      description: `${EVENT_CATALOGUE[type].description} Sent to subscriptions whose \`events\` list \`${type}\` or \`*\`.`,
      request: {
        headers: StandardWebhookHeaders,
        body: { required: true, content: { "application/json": { schema: envelopeOf(type) } } },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the delivery; redirects are not followed and count as failures" },
        410: { description: "Gone: the subscription is disabled at once and its events are held" },
      },
    });
  }
}
