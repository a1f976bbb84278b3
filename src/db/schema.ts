import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
  },
  (t) => [
    uniqueIndex("integrations_merchant_name_uq").on(t.merchantId, t.name),
    index("integrations_merchant_created_idx").on(t.merchantId, t.createdAt),
    index("integrations_key_idx").on(t.credentialsKeyId),
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
  },
  (t) => [
    index("audit_at_idx").on(t.at),
    index("audit_merchant_at_idx").on(t.merchantId, t.at),
    index("audit_target_idx").on(t.targetType, t.targetId),
  ],
);

export type IntegrationRow = typeof integrations.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
