import type { SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import type { Role } from "../auth/principal.ts";
import type { Db } from "../db/client.ts";
import { literalRow } from "../db/conditional-insert.ts";
import { newId } from "../db/ids.ts";
import { auditLog } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import { redact } from "../observability/redact.ts";

/** The audited actions. Changes are `<resource>.<verb>`; security events are `auth.*`. */
export type AuditAction =
  | "integration.created"
  | "integration.updated"
  | "integration.deleted"
  | "integration.mapping_updated"
  | "credentials.reencrypted"
  | "sync.triggered"
  | "order.received"
  | "integration.circuit_opened"
  | "integration.circuit_closed"
  | "integration.circuit_reset"
  | "integration.webhook_secret_rotated"
  | "webhook_event.replayed"
  | "dead_letter.replayed"
  | "dead_letter.deleted"
  | "subscription.created"
  | "subscription.updated"
  | "subscription.deleted"
  | "subscription.enabled"
  | "subscription.disabled"
  | "subscription.secret_rotated"
  | "alert.acknowledged"
  | "alert.silenced"
  | "auth.token_rejected"
  | "auth.forbidden"
  | "auth.cross_tenant_denied"
  | "auth.rate_limited";

/** Who did it and from where, taken from the request. */
export interface AuditActor {
  actor: string;
  role: Role | null;
  merchantId: string | null;
  requestId: string | null;
  ip: string | null;
}

export interface AuditEvent {
  action: AuditAction;
  outcome: "success" | "denied" | "error";
  /** The merchant the event concerns; defaults to the actor's. */
  merchantId?: string | null;
  target?: { type: string; id: string };
  /** Field names, counts, reasons: never values of credentials (redacted all the same). */
  details?: Record<string, unknown>;
}

export function actorFromContext(c: Context<AppEnv>): AuditActor {
  const principal = c.get("principal");
  return {
    actor: principal?.subject ?? "anonymous",
    role: principal?.role ?? null,
    merchantId: principal?.merchantId ?? null,
    requestId: c.get("requestId") ?? null,
    ip: c.req.header("cf-connecting-ip") ?? null,
  };
}

/** The insert for one audit entry, to put in the same `db.batch` as the change it records. */
export function auditInsert(db: Db, actor: AuditActor, event: AuditEvent) {
  return db.insert(auditLog).values(auditRow(actor, event));
}

/**
 * An audit insert that happens only if `where` matches a row of `table` when it runs. Put it
 * in a `db.batch` just before a conditional write with the same `where` (e.g. id and version):
 * a batch is one transaction, so the entry is written exactly when the change is.
 */
export function auditInsertIfMatches(db: Db, actor: AuditActor, event: AuditEvent, table: SQLiteTable, where: SQL) {
  return db.insert(auditLog).select(
    db
      .select(literalRow(auditLog, auditRow(actor, event)))
      .from(table)
      .where(where)
      .limit(1) as never,
  );
}

export function auditRow(actor: AuditActor, event: AuditEvent): typeof auditLog.$inferInsert & { at: Date } {
  return {
    id: newId("aud"),
    at: new Date(),
    actor: actor.actor,
    role: actor.role,
    merchantId: event.merchantId === undefined ? actor.merchantId : event.merchantId,
    action: event.action,
    outcome: event.outcome,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    requestId: actor.requestId,
    ip: actor.ip,
    details: event.details ? capDetails(redact(event.details)) : null,
  };
}

/** Writes one audit entry on its own (security events, which have no change to join). */
export async function recordAudit(db: Db, actor: AuditActor, event: AuditEvent): Promise<void> {
  await auditInsert(db, actor, event);
}

/** Longest string kept in an entry's details, and the most its details may take as JSON. */
export const MAX_DETAIL_STRING = 256;
export const MAX_DETAILS_JSON = 2048;

/**
 * What one entry stores is bounded, whatever a caller sends: a 60 KB request path is kept as
 * its first 256 characters and its length, and details that are still too big as their keys.
 */
export function capDetails(details: Record<string, unknown>): Record<string, unknown> {
  const capped = JSON.parse(
    JSON.stringify(details, (_key, value: unknown) =>
      typeof value === "string" && value.length > MAX_DETAIL_STRING
        ? `${value.slice(0, MAX_DETAIL_STRING)}… (${value.length} characters)`
        : value,
    ),
  ) as Record<string, unknown>;
  if (JSON.stringify(capped).length <= MAX_DETAILS_JSON) return capped;
  return { truncated: true, keys: Object.keys(capped).slice(0, 32) };
}
