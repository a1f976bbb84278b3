import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { MappingDocument } from "../mapping/schema.ts";

/**
 * The D1 schema. `npm run db:generate` turns changes here into a new SQL file in
 * migrations/, which wrangler (local and remote) and the tests apply.
 */

export const INTEGRATION_TYPES = ["webhook", "polling", "hybrid"] as const;
export const INTEGRATION_STATUSES = ["active", "paused"] as const;

export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: INTEGRATION_TYPES }).notNull(),
    connector: text("connector").notNull(),
    status: text("status", { enum: INTEGRATION_STATUSES }).notNull().default("active"),
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** AES-256-GCM of the credentials JSON; AAD `integration:<id>:credentials`. */
    credentialsCiphertext: text("credentials_ciphertext").notNull(),
    /** Which ENCRYPTION_KEY sealed them (see src/crypto/keyring.ts). */
    credentialsKeyId: text("credentials_key_id").notNull(),
    /** Names of the credential fields that are set, so responses can show them without decrypting. */
    credentialFields: text("credential_fields", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    /** Bumped by every write; writes are conditional on it (optimistic concurrency). */
    version: integer("version").notNull().default(1),
    /** The saved mapping; null means the connector's default mapping. */
    mapping: text("mapping", { mode: "json" }).$type<MappingDocument>(),
    /** When the polling cron next syncs this integration (polling and hybrid only). */
    nextSyncAt: integer("next_sync_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("integrations_merchant_name_uq").on(t.merchantId, t.name),
    index("integrations_merchant_created_idx").on(t.merchantId, t.createdAt),
    index("integrations_key_idx").on(t.credentialsKeyId),
    index("integrations_due_idx").on(t.nextSyncAt),
  ],
);

export const AUDIT_OUTCOMES = ["success", "denied", "error"] as const;

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    /** Token subject, or `anonymous` / `system`. */
    actor: text("actor").notNull(),
    role: text("role"),
    /** The merchant the event concerns; null for platform-wide events. */
    merchantId: text("merchant_id"),
    action: text("action").notNull(),
    outcome: text("outcome", { enum: AUDIT_OUTCOMES }).notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    requestId: text("request_id"),
    ip: text("ip"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Repeated security events of one kind from one source are one entry per window, counted. */
    count: integer("count").notNull().default(1),
    /** When the last of `count` happened; `at` is the first. */
    lastAt: integer("last_at", { mode: "timestamp_ms" }),
    /** Hash of (action, actor, source, reason, target, window) for counted entries; null otherwise. */
    aggregateKey: text("aggregate_key"),
  },
  (t) => [
    uniqueIndex("audit_aggregate_key_idx").on(t.aggregateKey),
    index("audit_at_idx").on(t.at),
    index("audit_merchant_at_idx").on(t.merchantId, t.at),
    index("audit_target_idx").on(t.targetType, t.targetId),
  ],
);

export const SYNC_TYPES = ["products", "inventory", "prices", "full"] as const;
export const RUN_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "dead"] as const;
export const RUN_TRIGGERS = ["manual", "schedule", "upload"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A sample of rejected records kept on a run, with why each was refused. */
export interface RejectedRecord {
  entity: string | null;
  key: string | null;
  field: string | null;
  reason: string;
  page: number;
  /** The source row, counting from 1 across pages, when known. */
  row: number | null;
}

/**
 * One sync of one integration: queued, run page by page through the queue, finished. While a
 * run is queued or running, the partial unique index makes a second run of the same type
 * impossible: triggers coalesce onto the active one.
 */
export const syncRuns = sqliteTable(
  "sync_runs",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    type: text("type", { enum: SYNC_TYPES }).notNull(),
    trigger: text("trigger", { enum: RUN_TRIGGERS }).notNull(),
    /** Idempotency of triggers, e.g. `schedule:<window>`; unique per integration. */
    triggerKey: text("trigger_key"),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    priority: integer("priority").notNull().default(0),
    force: integer("force", { mode: "boolean" }).notNull().default(false),
    /** Where rows come from when not the integration's own source, e.g. `upload:upl_…`. */
    source: text("source"),
    /** The connector streams this run reads, in order, and the entities it syncs. */
    streams: text("streams", { mode: "json" }).$type<string[]>().notNull(),
    entities: text("entities", { mode: "json" }).$type<string[]>().notNull(),
    pagesDone: integer("pages_done").notNull().default(0),
    itemsRead: integer("items_read").notNull().default(0),
    itemsChanged: integer("items_changed").notNull().default(0),
    itemsPushed: integer("items_pushed").notNull().default(0),
    itemsRejected: integer("items_rejected").notNull().default(0),
    platformRequests: integer("platform_requests").notNull().default(0),
    /** Items made inactive on the platform because they are gone from the ERP (src/sync/deletions.ts). */
    itemsDeactivated: integer("items_deactivated").notNull().default(0),
    /**
     * Entities this run did not read completely (an incremental read, rows without a readable
     * key): missing items of these are not taken as deleted.
     */
    partialEntities: text("partial_entities", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** What the run chose not to do, and why (e.g. deletions held back after an empty read). */
    notes: text("notes", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    rejectedSample: text("rejected_sample", { mode: "json" }).$type<RejectedRecord[]>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** When a failed page is due again (a retry may wait up to 12 hours for a Retry-After). */
    retryAt: integer("retry_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("sync_runs_active_uq").on(t.integrationId, t.type).where(sql`status IN ('queued', 'running')`),
    uniqueIndex("sync_runs_trigger_uq").on(t.integrationId, t.triggerKey),
    index("sync_runs_integration_created_idx").on(t.integrationId, t.createdAt),
    index("sync_runs_merchant_created_idx").on(t.merchantId, t.createdAt),
    index("sync_runs_status_updated_idx").on(t.status, t.updatedAt),
    // Counts a merchant's active runs against MAX_ACTIVE_RUNS_PER_MERCHANT without a scan.
    index("sync_runs_merchant_active_idx").on(t.merchantId).where(sql`status IN ('queued', 'running')`),
  ],
);

/**
 * Pages of a run that were processed: a redelivered queue message for a page marked `done`
 * is acknowledged without pushing anything again.
 */
export const syncPages = sqliteTable(
  "sync_pages",
  {
    runId: text("run_id").notNull(),
    stream: integer("stream").notNull(),
    page: integer("page").notNull(),
    status: text("status", { enum: ["done"] }).notNull(),
    nextCursor: text("next_cursor"),
    /** Incremental streams: the position reached in change order by the end of this page. */
    watermark: text("watermark"),
    /** The page read from the last complete run's watermark (only what changed since). */
    fromWatermark: integer("from_watermark", { mode: "boolean" }).notNull().default(false),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stream, t.page] })],
);

/**
 * Where the last complete run of an incremental stream ended, per integration: the next run
 * starts there (minus the connector's overlap window) instead of reading everything again.
 */
export const syncWatermarks = sqliteTable(
  "sync_watermarks",
  {
    integrationId: text("integration_id").notNull(),
    stream: text("stream").notNull(),
    watermark: text("watermark").notNull(),
    runId: text("run_id").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    /** When the stream was last read from the start (which is also when deletions were last looked for). */
    completeAt: integer("complete_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.stream] })],
);

/**
 * What the gateway last pushed per (integration, entity, key): the delta compares against it.
 * It is also the list of what the platform has, against which a complete read finds deletions.
 */
export const recordHashes = sqliteTable(
  "record_hashes",
  {
    integrationId: text("integration_id").notNull(),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    hash: text("hash").notNull(),
    pushedAt: integer("pushed_at", { mode: "timestamp_ms" }).notNull(),
    /** The last run that read this key (kept only for runs that may find deletions). */
    seenRun: text("seen_run"),
    /**
     * The platform has this item as inactive (a product pushed with `active: false`, or gone from
     * the ERP); its stock is pushed as 0 while it stays so.
     */
    inactive: integer("inactive", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.entity, t.key] })],
);

/** Jobs that failed their last retry, kept for operators to read and replay. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    runId: text("run_id"),
    integrationId: text("integration_id"),
    merchantId: text("merchant_id"),
    queue: text("queue").notNull(),
    message: text("message", { mode: "json" }).$type<unknown>().notNull(),
    error: text("error"),
    attempts: integer("attempts").notNull(),
    status: text("status", { enum: ["pending", "replayed"] }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    replayedAt: integer("replayed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("dead_letters_merchant_created_idx").on(t.merchantId, t.createdAt),
    index("dead_letters_created_idx").on(t.createdAt),
  ],
);

/** A CSV uploaded through the API, kept in 512 KiB chunks until its run is done. */
export const uploads = sqliteTable("uploads", {
  id: text("id").primaryKey(),
  integrationId: text("integration_id").notNull(),
  merchantId: text("merchant_id").notNull(),
  bytes: integer("bytes").notNull(),
  chunks: integer("chunks").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

export const uploadChunks = sqliteTable(
  "upload_chunks",
  {
    uploadId: text("upload_id").notNull(),
    seq: integer("seq").notNull(),
    data: blob("data", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.seq] })],
);

/**
 * Events the gateway emits (src/outbound/catalogue.ts): an outbox that outgoing webhooks (and
 * alerting) read. `dispatchedAt` is set once the event has been fanned out to its subscriptions.
 */
export const integrationEvents = sqliteTable(
  "integration_events",
  {
    id: text("id").primaryKey(),
    /** Null for a merchant's own events (a merchant-wide subscription disabled). */
    integrationId: text("integration_id"),
    merchantId: text("merchant_id").notNull(),
    type: text("type").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    dispatchedAt: integer("dispatched_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("integration_events_pending_idx").on(t.dispatchedAt, t.createdAt),
    index("integration_events_integration_idx").on(t.integrationId, t.createdAt),
  ],
);

export * from "./alerts-schema.ts";
export * from "./health-schema.ts";
export * from "./inbound-schema.ts";
// Orders and incoming and outgoing webhooks have files of their own; drizzle-kit reads them through this re-export.
export * from "./orders-schema.ts";
export * from "./outbound-schema.ts";

export type IntegrationRow = typeof integrations.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
