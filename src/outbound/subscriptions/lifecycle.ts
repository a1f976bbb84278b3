import { and, eq, inArray, type SQL } from "drizzle-orm";
import { type AuditActor, type AuditEvent, auditInsertIfMatches } from "../../audit/record.ts";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { insertWhileFewer } from "../../db/conditional-insert.ts";
import { newId } from "../../db/ids.ts";
import { deliveries, deliveryAttempts, type SubscriptionRow, webhookSubscriptions } from "../../db/schema.ts";
import { AppError } from "../../http/errors.ts";
import { outboundUrlProblem } from "../../net/outbound-url.ts";
import {
  DEFAULT_OVERLAP_HOURS,
  deleteSubscriptionSecrets,
  newSubscriptionSecret,
  retireSubscriptionSecrets,
} from "./secrets.ts";
import { findSubscription } from "./store.ts";

/** What changing subscriptions needs. */
export interface Deps {
  db: Db;
  config: Config;
  actor: AuditActor;
}

/** Most subscriptions one merchant may have: enough for any real use, and a bound on the fan-out. */
export const MAX_SUBSCRIPTIONS_PER_MERCHANT = 100;

export const OPERATOR_DISABLED = "disabled by an operator";

export interface NewSubscription {
  merchantId: string;
  integrationId: string | null;
  url: string;
  events: string[];
  secret?: string | undefined;
  description?: string | undefined;
}

const t = webhookSubscriptions;
const target = (id: string) => ({ type: "subscription", id });
/** Audited instead of the URL, whose path or query may itself be a credential (Slack-style hook URLs). */
const hostOf = (url: string) => new URL(url).host;

/** The SSRF policy (src/net/outbound-url.ts), reported as a VALIDATION_ERROR on `url`. */
export function assertSubscriptionUrl(url: string, config: Config): void {
  const problem = outboundUrlProblem(url, config);
  if (problem) throw AppError.validation([{ field: "url", message: problem }]);
}

/** Stores a subscription with its sealed secret; the plaintext secret is returned to be shown once. */
export async function createSubscription(
  deps: Deps,
  input: NewSubscription,
): Promise<{ row: SubscriptionRow; secret: string }> {
  assertSubscriptionUrl(input.url, deps.config);
  const now = new Date();
  const row: SubscriptionRow = {
    id: newId("sub"),
    merchantId: input.merchantId,
    integrationId: input.integrationId,
    url: input.url,
    events: input.events,
    description: input.description ?? null,
    status: "active",
    disabledReason: null,
    disabledAt: null,
    failingSince: null,
    lastSuccessAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const secret = await newSubscriptionSecret(deps.config, deps.db, row.id, input.secret);
  const details = {
    integrationId: row.integrationId,
    host: hostOf(row.url),
    events: row.events,
    // Not "secretId": the audit log redacts the string values of secret-looking keys.
    signingKeyId: secret.id,
    secretGiven: input.secret !== undefined,
  };
  const cap = MAX_SUBSCRIPTIONS_PER_MERCHANT;
  const [inserted] = await deps.db.batch([
    insertWhileFewer(deps.db, t, row, eq(t.merchantId, row.merchantId), cap),
    secret.insert,
    audit(deps, row, { action: "subscription.created", details }, eq(t.id, row.id)),
  ]);
  if (inserted.meta.changes !== 1) {
    throw new AppError(
      "QUOTA_EXCEEDED",
      `Merchant ${row.merchantId} already has ${cap} subscriptions, the most allowed; delete one first`,
    );
  }
  return { row, secret: secret.secret };
}

export interface SubscriptionPatch {
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
}

/** Applies a PATCH of url, events, description; audited with the names of the fields changed. */
export async function updateSubscription(deps: Deps, row: SubscriptionRow, patch: SubscriptionPatch) {
  if (patch.url !== undefined) assertSubscriptionUrl(patch.url, deps.config);
  const next: Partial<SubscriptionRow> = {};
  if (patch.url !== undefined && patch.url !== row.url) next.url = patch.url;
  if (patch.events !== undefined && JSON.stringify(patch.events) !== JSON.stringify(row.events))
    next.events = patch.events;
  if (patch.description !== undefined && patch.description !== row.description) next.description = patch.description;
  const changed = Object.keys(next);
  if (changed.length === 0) return row;
  const exists = eq(t.id, row.id);
  await deps.db.batch([
    audit(deps, row, { action: "subscription.updated", details: { changed } }, exists),
    deps.db
      .update(t)
      .set({ ...next, updatedAt: new Date() })
      .where(exists),
  ]);
  return reread(deps.db, row.id);
}

/** Deletes a subscription, its secrets and its delivery log; a 404 if it is already gone. */
export async function deleteSubscription(deps: Deps, row: SubscriptionRow): Promise<void> {
  const exists = eq(t.id, row.id);
  const [, , , , removed] = await deps.db.batch([
    audit(deps, row, { action: "subscription.deleted", details: { host: hostOf(row.url) } }, exists),
    deps.db.delete(deliveryAttempts).where(eq(deliveryAttempts.subscriptionId, row.id)),
    deps.db.delete(deliveries).where(eq(deliveries.subscriptionId, row.id)),
    deleteSubscriptionSecrets(deps.db, [row.id]),
    deps.db.delete(t).where(exists),
  ]);
  if (removed.meta.changes !== 1) throw AppError.notFound("subscription", row.id);
}

/**
 * Active again, with a clean failure record. The URL is checked again (the policy may have
 * changed since it was saved). Held deliveries stay held until replayed. A no-op when active.
 */
export async function enableSubscription(deps: Deps, row: SubscriptionRow) {
  assertSubscriptionUrl(row.url, deps.config);
  const disabled = and(eq(t.id, row.id), eq(t.status, "disabled")) as SQL;
  await deps.db.batch([
    audit(deps, row, { action: "subscription.enabled", details: { wasDisabledFor: row.disabledReason } }, disabled),
    deps.db
      .update(t)
      .set({ status: "active", disabledReason: null, disabledAt: null, failingSince: null, updatedAt: new Date() })
      .where(disabled),
  ]);
  return reread(deps.db, row.id);
}

/** An operator's disable: deliveries are held from now on. A no-op when already disabled. */
export async function disableSubscription(deps: Deps, row: SubscriptionRow) {
  const active = and(eq(t.id, row.id), eq(t.status, "active")) as SQL;
  await deps.db.batch([
    audit(deps, row, { action: "subscription.disabled", details: { reason: OPERATOR_DISABLED } }, active),
    disableStatement(deps.db, row.id, OPERATOR_DISABLED, new Date()),
  ]);
  return reread(deps.db, row.id);
}

/** The update that disables an active subscription: for an operator, after failing too long, or on 410 Gone. */
export function disableStatement(db: Db, id: string, reason: string, at: Date) {
  return db
    .update(t)
    .set({ status: "disabled", disabledReason: reason, disabledAt: at, updatedAt: at })
    .where(and(eq(t.id, id), eq(t.status, "active")));
}

/**
 * A new signing secret (generated, or given), shown once. The secrets in force until now keep
 * signing for `overlapHours` (24 by default), so deliveries carry both signatures meanwhile and
 * the receiver can switch without refusing one.
 */
export async function rotateSubscriptionSecret(
  deps: Deps,
  row: SubscriptionRow,
  options: { secret?: string | undefined; overlapHours?: number | undefined },
): Promise<{ secret: string; previousValidUntil: Date }> {
  const now = new Date();
  const overlapUntil = new Date(now.getTime() + (options.overlapHours ?? DEFAULT_OVERLAP_HOURS) * 3_600_000);
  const fresh = await newSubscriptionSecret(deps.config, deps.db, row.id, options.secret);
  const details = {
    signingKeyId: fresh.id,
    secretGiven: options.secret !== undefined,
    previousValidUntil: overlapUntil.toISOString(),
  };
  const [, , inserted] = await deps.db.batch([
    ...retireSubscriptionSecrets(deps.db, row.id, overlapUntil, now),
    fresh.insert,
    audit(deps, row, { action: "subscription.secret_rotated", details }, eq(t.id, row.id)),
  ]);
  if (inserted.meta.changes !== 1) throw AppError.notFound("subscription", row.id);
  return { secret: fresh.secret, previousValidUntil: overlapUntil };
}

/**
 * Statements that delete every subscription of an integration, with its secrets and deliveries:
 * for the integration's deletion batch. Merchant-wide subscriptions stay.
 */
export function deleteSubscriptionsOf(db: Db, integrationId: string) {
  const ids = db.select({ id: t.id }).from(t).where(eq(t.integrationId, integrationId));
  return [
    db.delete(deliveryAttempts).where(inArray(deliveryAttempts.subscriptionId, ids)),
    db.delete(deliveries).where(inArray(deliveries.subscriptionId, ids)),
    deleteSubscriptionSecrets(db, ids),
    db.delete(t).where(eq(t.integrationId, integrationId)),
  ] as const;
}

/** The audit entry of a change, written only if `where` still matches when the batch runs. */
function audit(deps: Deps, row: SubscriptionRow, event: Pick<AuditEvent, "action" | "details">, where: SQL) {
  return auditInsertIfMatches(
    deps.db,
    deps.actor,
    { ...event, outcome: "success", merchantId: row.merchantId, target: target(row.id) },
    t,
    where,
  );
}

async function reread(db: Db, id: string): Promise<SubscriptionRow> {
  const row = await findSubscription(db, id);
  if (!row) throw AppError.notFound("subscription", id);
  return row;
}
