import { and, eq, inArray, type SQL } from "drizzle-orm";
import { type AuditActor, auditInsertIfMatches } from "../audit/record.ts";
import type { Config } from "../config.ts";
import { connectorOf } from "../connectors/index.ts";
import type { Db } from "../db/client.ts";
import { insertWhileFewer } from "../db/conditional-insert.ts";
import { newId } from "../db/ids.ts";
import {
  deadLetters,
  type IntegrationRow,
  integrationEvents,
  integrations,
  itemVersions,
  orders,
  recordHashes,
  syncPages,
  syncRuns,
  syncWatermarks,
  uploadChunks,
  uploads,
  webhookEvents,
  webhookRefusals,
  webhookSecrets,
} from "../db/schema.ts";
import { AppError } from "../http/errors.ts";
import { newSecret } from "../inbound/secrets.ts";
import { deleteSubscriptionsOf } from "../outbound/subscriptions/lifecycle.ts";
import { dropIgnored, type Warning } from "./compat.ts";
import { assertOutboundUrls, credentialFieldNames, sealCredentials } from "./credentials.ts";
import { applyPatch } from "./patch.ts";
import type { CreateIntegrationInput, UpdateIntegrationInput } from "./schemas.ts";
import { findIntegration, isUniqueViolation } from "./store.ts";

/** What creating, changing and deleting an integration needs. */
export interface Deps {
  db: Db;
  config: Config;
  actor: AuditActor;
}

const target = (id: string) => ({ type: "integration", id });

/**
 * Stores a new integration for `merchantId` with its credentials sealed, and audits it. Seed
 * API fields the connector does not use are dropped with a warning (src/integrations/compat.ts).
 */
export async function createIntegration(
  deps: Deps,
  merchantId: string,
  input: CreateIntegrationInput,
): Promise<{ row: IntegrationRow; warnings: Warning[]; webhookSecret: string }> {
  const def = connectorOf(input.connector);
  const credentials = dropIgnored(def, "credentials", input.credentials);
  const settings = dropIgnored(def, "settings", input.settings);
  assertOutboundUrls(def, credentials.value, deps.config);
  const id = newId("int");
  const now = new Date();
  const sealed = await sealCredentials(deps.config, id, credentials.value);
  const row: IntegrationRow = {
    id,
    merchantId,
    name: input.name,
    type: input.type,
    connector: input.connector,
    status: input.status,
    settings: settings.value,
    credentialsCiphertext: sealed.ciphertext,
    credentialsKeyId: sealed.keyId,
    credentialFields: credentialFieldNames(credentials.value),
    createdAt: now,
    updatedAt: now,
    version: 1,
    mapping: null,
    // Polling integrations sync at the next cron tick, then every syncInterval.
    nextSyncAt: input.type === "webhook" ? null : now,
  };
  const details = { name: row.name, connector: row.connector, type: row.type, fieldsSet: row.credentialFields };
  const cap = deps.config.limits.integrationsPerMerchant;
  const webhook = await newSecret(deps.config, deps.db, id);
  // One statement counts and inserts, so that concurrent creates cannot pass the cap together.
  const [inserted] = await write(deps, row, [
    insertWhileFewer(deps.db, integrations, row, eq(integrations.merchantId, merchantId), cap),
    webhook.insert,
    auditInsertIfMatches(
      deps.db,
      deps.actor,
      { action: "integration.created", outcome: "success", merchantId, target: target(id), details },
      integrations,
      eq(integrations.id, id),
    ),
  ]);
  if (inserted.meta.changes !== 1) {
    throw new AppError(
      "QUOTA_EXCEEDED",
      `Merchant ${merchantId} already has ${cap} integrations, the most allowed (MAX_INTEGRATIONS_PER_MERCHANT); delete one or ask an operator to raise the cap`,
    );
  }
  const advice = def.advise?.(credentials.value, settings.value) ?? [];
  return { row, warnings: [...credentials.warnings, ...settings.warnings, ...advice], webhookSecret: webhook.secret };
}

/**
 * Applies a PATCH. Settings and credentials are merged into the stored ones and validated
 * whole against the connector, so a partial change can never leave an invalid integration.
 * The write is conditional on the version that was read: if another request changed the
 * integration meanwhile, the patch is merged again onto the fresh row (a few times), so no
 * concurrent change is silently lost. The audit entry lists changed field names, never values.
 */
export async function updateIntegration(
  deps: Deps,
  row: IntegrationRow,
  patch: UpdateIntegrationInput,
): Promise<{ row: IntegrationRow; warnings: Warning[] }> {
  const def = connectorOf(row.connector);
  const credentials = patch.credentials ? dropIgnored(def, "credentials", patch.credentials) : undefined;
  const settings = patch.settings ? dropIgnored(def, "settings", patch.settings) : undefined;
  const kept: UpdateIntegrationInput = {
    ...patch,
    ...(credentials ? { credentials: credentials.value } : {}),
    ...(settings ? { settings: settings.value } : {}),
  };
  const warnings = [...(credentials?.warnings ?? []), ...(settings?.warnings ?? [])];
  let current = row;
  for (let attempt = 1; ; attempt++) {
    const result = await tryUpdate(deps, current, kept);
    if (result) return { row: result.row, warnings: [...warnings, ...result.advice] };
    const fresh = await findIntegration(deps.db, row.id);
    if (!fresh) throw AppError.notFound("integration", row.id);
    if (attempt >= MAX_UPDATE_ATTEMPTS) {
      throw new AppError("CONFLICT", `Integration ${row.id} kept changing while this change was applied; try again`);
    }
    current = fresh;
  }
}

const MAX_UPDATE_ATTEMPTS = 3;

/** The updated row and the connector's notes on it, or null if `row.version` is no longer the stored one. */
async function tryUpdate(
  deps: Deps,
  row: IntegrationRow,
  patch: UpdateIntegrationInput,
): Promise<{ row: IntegrationRow; advice: Warning[] } | null> {
  const { next, changed, advice } = await applyPatch(deps.config, row, patch);
  if (changed.length === 0) return { row, advice };
  next.updatedAt = new Date();
  next.version = row.version + 1;
  next.nextSyncAt = nextSyncAfterPatch(row, next);
  // Only what a PATCH owns: the mapping has its own endpoint, and next_sync_at is the cron's
  // bookkeeping (rewriting a stale copy of it could re-open a polling window).
  const { id, createdAt, mapping, nextSyncAt: _cronOwned, ...owned } = next;
  const values = next.nextSyncAt === row.nextSyncAt ? owned : { ...owned, nextSyncAt: next.nextSyncAt };
  const unchanged = and(eq(integrations.id, id), eq(integrations.version, row.version)) as SQL;
  const [, update] = await write(deps, next, [
    auditInsertIfMatches(
      deps.db,
      deps.actor,
      {
        action: "integration.updated",
        outcome: "success",
        merchantId: row.merchantId,
        target: target(id),
        details: { changed },
      },
      integrations,
      unchanged,
    ),
    deps.db.update(integrations).set(values).where(unchanged),
  ]);
  return changes(update) === 1 ? { row: next, advice } : null;
}

/** Polling starts (at the next tick) when an integration becomes polling or hybrid, and stops when it becomes webhook-only. */
function nextSyncAfterPatch(before: IntegrationRow, after: IntegrationRow): Date | null {
  if (after.type === "webhook") return null;
  return before.type === "webhook" || before.nextSyncAt === null ? new Date() : before.nextSyncAt;
}

/** Deletes the integration and everything the gateway kept for it; a 404 if it is already gone. */
export async function deleteIntegration(deps: Deps, row: IntegrationRow): Promise<void> {
  const exists = eq(integrations.id, row.id);
  const [, removed] = await deps.db.batch([
    auditInsertIfMatches(
      deps.db,
      deps.actor,
      {
        action: "integration.deleted",
        outcome: "success",
        merchantId: row.merchantId,
        target: target(row.id),
        details: { name: row.name, connector: row.connector },
      },
      integrations,
      exists,
    ),
    deps.db.delete(integrations).where(exists),
    ...dependentsOf(deps.db, row.id),
  ]);
  if (changes(removed) !== 1) throw AppError.notFound("integration", row.id);
}

/** Everything the gateway kept for an integration: runs, pages, hashes, watermarks, dead letters, uploads, orders, events, webhooks. */
function dependentsOf(db: Db, integrationId: string) {
  const runIds = db.select({ id: syncRuns.id }).from(syncRuns).where(eq(syncRuns.integrationId, integrationId));
  const uploadIds = db.select({ id: uploads.id }).from(uploads).where(eq(uploads.integrationId, integrationId));
  return [
    db.delete(syncPages).where(inArray(syncPages.runId, runIds)),
    db.delete(syncRuns).where(eq(syncRuns.integrationId, integrationId)),
    db.delete(recordHashes).where(eq(recordHashes.integrationId, integrationId)),
    db.delete(deadLetters).where(eq(deadLetters.integrationId, integrationId)),
    db.delete(uploadChunks).where(inArray(uploadChunks.uploadId, uploadIds)),
    db.delete(uploads).where(eq(uploads.integrationId, integrationId)),
    db.delete(syncWatermarks).where(eq(syncWatermarks.integrationId, integrationId)),
    db.delete(orders).where(eq(orders.integrationId, integrationId)),
    db.delete(integrationEvents).where(eq(integrationEvents.integrationId, integrationId)),
    db.delete(webhookEvents).where(eq(webhookEvents.integrationId, integrationId)),
    db.delete(webhookRefusals).where(eq(webhookRefusals.integrationId, integrationId)),
    db.delete(webhookSecrets).where(eq(webhookSecrets.integrationId, integrationId)),
    db.delete(itemVersions).where(eq(itemVersions.integrationId, integrationId)),
    // Its own subscriptions with their deliveries; merchant-wide ones stay, their log too.
    ...deleteSubscriptionsOf(db, integrationId),
  ];
}

/** Rows changed by a D1 write. */
const changes = (result: unknown) => (result as D1Result).meta.changes;

/** Runs the statements atomically; a duplicate name becomes a 409 rather than a 500. */
async function write<T extends Parameters<Db["batch"]>[0]>(deps: Deps, row: IntegrationRow, statements: T) {
  try {
    return await deps.db.batch(statements);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "CONFLICT",
        `Merchant ${row.merchantId} already has an integration named '${row.name}'; choose another name`,
      );
    }
    throw error;
  }
}
