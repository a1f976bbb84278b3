import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const SUBSCRIPTION_STATUSES = ["active", "disabled"] as const;

/**
 * Outgoing webhook subscriptions: where the events of one integration (or of every integration
 * of a merchant, when `integrationId` is null) are delivered, signed with Standard Webhooks.
 */
export const webhookSubscriptions = sqliteTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    /** Null: every integration of the merchant. */
    integrationId: text("integration_id"),
    url: text("url").notNull(),
    /** Event types from the catalogue (src/outbound/catalogue.ts). */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description"),
    status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
    /** Why it was disabled: by an operator, after failing for too long, or by a 410 Gone. */
    disabledReason: text("disabled_reason"),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    /** The first failure since the last success; null while deliveries succeed. */
    failingSince: integer("failing_since", { mode: "timestamp_ms" }),
    lastSuccessAt: integer("last_success_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("webhook_subscriptions_merchant_idx").on(t.merchantId, t.createdAt),
    index("webhook_subscriptions_integration_idx").on(t.integrationId),
  ],
);
export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;

/** A subscription's signing secrets, sealed (AAD `subscription:<id>:secret:<secret id>`); a rotated-out one signs too until `expiresAt`. */
export const subscriptionSecrets = sqliteTable(
  "subscription_secrets",
  {
    id: text("id").primaryKey(),
    subscriptionId: text("subscription_id").notNull(),
    keyId: text("key_id").notNull(),
    ciphertext: text("ciphertext").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("subscription_secrets_subscription_idx").on(t.subscriptionId, t.createdAt),
    index("subscription_secrets_key_idx").on(t.keyId),
  ],
);
export type SubscriptionSecretRow = typeof subscriptionSecrets.$inferSelect;

/**
 * - pending: queued, or waiting for its next attempt (`nextAttemptAt`)
 * - succeeded: a 2xx
 * - held: its subscription is disabled; kept, delivered when replayed
 * - exhausted: the retry schedule ran out; redeliver or replay to try again
 */
export const DELIVERY_STATUSES = ["pending", "succeeded", "held", "exhausted"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event to one subscription: its `webhook-id` is the event's id, the same on every attempt. */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    subscriptionId: text("subscription_id").notNull(),
    eventId: text("event_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    integrationId: text("integration_id"),
    eventType: text("event_type").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due; the cron queues those further off than a queue delay can reach. */
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    succeededAt: integer("succeeded_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("deliveries_subscription_event_uq").on(t.subscriptionId, t.eventId),
    index("deliveries_subscription_created_idx").on(t.subscriptionId, t.createdAt),
    index("deliveries_due_idx").on(t.status, t.nextAttemptAt),
    // The outbox's retention asks, per event, whether a delivery still needs it.
    index("deliveries_event_idx").on(t.eventId),
  ],
);
export type DeliveryRow = typeof deliveries.$inferSelect;

export const ATTEMPT_TRIGGERS = ["scheduled", "manual", "replay"] as const;
export const ATTEMPT_ERRORS = ["timeout", "dns", "tls", "connection", "http", "redirect", "refused_url"] as const;
export type AttemptErrorClass = (typeof ATTEMPT_ERRORS)[number];

/** Every attempt of a delivery, for the delivery log. */
export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    trigger: text("trigger", { enum: ATTEMPT_TRIGGERS }).notNull(),
    statusCode: integer("status_code"),
    /** Null for a 2xx. */
    errorClass: text("error_class", { enum: ATTEMPT_ERRORS }),
    error: text("error"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first KiB of the answer. */
    responseBody: text("response_body"),
  },
  (t) => [
    index("delivery_attempts_delivery_idx").on(t.deliveryId, t.at),
    index("delivery_attempts_subscription_idx").on(t.subscriptionId, t.at),
  ],
);
export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;
