import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * - received: stored and queued, not yet applied
 * - processed: applied (the outcome says what was pushed, unchanged, stale or rejected)
 * - stale: every item in it was older than the change already applied for it
 * - rejected: nothing in it could become a valid record, or it was refused (reason in `error`)
 * - failed: applying it failed for good (or its job died); replayable
 * - unsupported: an event type the gateway does not process; stored and reported, not dropped
 */
export const WEBHOOK_EVENT_STATUSES = ["received", "processed", "stale", "rejected", "failed", "unsupported"] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * Webhooks received, one row per sender event: the sender's id is unique per integration (the
 * guard's dedupe store answers first; this index is what proves it for longer).
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    /** The sender's event id (webhook-id, a configured header, body eventId) or `sha256:<hash of the body>`. */
    externalId: text("external_id").notNull(),
    type: text("type").notNull(),
    status: text("status", { enum: WEBHOOK_EVENT_STATUSES }).notNull(),
    /** The sender's order of changes (its sequence, or its timestamp in ms): an older one never overwrites a newer. */
    version: real("version").notNull(),
    /** The verified body, parsed. */
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull(),
    /** What applying it did (counts, rejected records, the order it became). */
    outcome: text("outcome", { mode: "json" }).$type<Record<string, unknown>>(),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    /** Deliveries of the same event after the first, answered `duplicate` and not processed. */
    duplicates: integer("duplicates").notNull().default(0),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
    processedAt: integer("processed_at", { mode: "timestamp_ms" }),
    lastDuplicateAt: integer("last_duplicate_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("webhook_events_external_uq").on(t.integrationId, t.externalId),
    index("webhook_events_integration_received_idx").on(t.integrationId, t.receivedAt),
    index("webhook_events_status_idx").on(t.status, t.updatedAt),
  ],
);
export type WebhookEventRow = typeof webhookEvents.$inferSelect;

/**
 * Refused webhook requests, counted per integration, cause and hour: a flood of bad requests
 * adds to a count instead of rows, so it cannot fill the store. Never the body or a header.
 */
export const webhookRefusals = sqliteTable(
  "webhook_refusals",
  {
    integrationId: text("integration_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    cause: text("cause").notNull(),
    /** Start of the hour counted, ms. */
    hour: integer("hour").notNull(),
    count: integer("count").notNull(),
    firstAt: integer("first_at", { mode: "timestamp_ms" }).notNull(),
    lastAt: integer("last_at", { mode: "timestamp_ms" }).notNull(),
    /** The last refusal's message: what the sender has to fix. */
    message: text("message").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.cause, t.hour] }),
    index("webhook_refusals_integration_last_idx").on(t.integrationId, t.lastAt),
  ],
);
export type WebhookRefusalRow = typeof webhookRefusals.$inferSelect;

/**
 * An integration's webhook secrets, sealed like credentials (AAD `integration:<id>:webhook-secret:<secret id>`).
 * The current one has no expiry; a rotated-out one verifies until `expiresAt`.
 */
export const webhookSecrets = sqliteTable(
  "webhook_secrets",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id").notNull(),
    keyId: text("key_id").notNull(),
    ciphertext: text("ciphertext").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("webhook_secrets_integration_idx").on(t.integrationId, t.createdAt),
    index("webhook_secrets_key_idx").on(t.keyId),
  ],
);
export type WebhookSecretRow = typeof webhookSecrets.$inferSelect;

/**
 * The newest change applied per item from webhooks (the sender's version): an event older than
 * it is stale and does not overwrite newer state.
 */
export const itemVersions = sqliteTable(
  "item_versions",
  {
    integrationId: text("integration_id").notNull(),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    version: real("version").notNull(),
    eventId: text("event_id").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.entity, t.key] })],
);
