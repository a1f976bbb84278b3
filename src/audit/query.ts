import { z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { MerchantId } from "../auth/principal.ts";
import { type Db, pageOf } from "../db/client.ts";
import { AUDIT_OUTCOMES, type AuditRow, auditLog } from "../db/schema.ts";
import { PageQuery } from "../openapi/schemas.ts";

/** What the audit log can be filtered by, in a list and in an export alike. */
export const AuditFilterQuery = z.object({
  merchantId: MerchantId.optional(),
  action: z.string().max(64).optional().openapi({ example: "integration.updated" }),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  targetId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Inclusive lower bound on `at`" }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Exclusive upper bound on `at`" }),
});
export type AuditFilterFields = z.infer<typeof AuditFilterQuery>;

export const AuditQuery = PageQuery.extend(AuditFilterQuery.shape);
export type AuditFilter = z.infer<typeof AuditQuery>;

export const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    actor: z.string(),
    role: z.string().nullable(),
    merchantId: z.string().nullable(),
    action: z.string(),
    outcome: z.enum(AUDIT_OUTCOMES),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    count: z.number().int().openapi({
      description:
        "How many times this happened: repeated security events from one source are one entry per 10 minutes",
    }),
    lastAt: z.iso.datetime().openapi({ description: "When the last of `count` happened (`at` is the first)" }),
  })
  .openapi("AuditEntry");
export type AuditEntry = z.infer<typeof AuditEntryView>;

/** One page of the audit log, newest first, within `merchantScope` when it is not null. */
export async function listAudit(db: Db, filter: AuditFilter, merchantScope: string | null) {
  const { rows, total } = await pageOf(db, auditLog, auditWhere(filter, merchantScope), NEWEST_FIRST, filter);
  return { rows: rows.map(toAuditView), total };
}

/** The audit log's order everywhere: newest first, ties broken by id. */
export const NEWEST_FIRST = [desc(auditLog.at), desc(auditLog.id)];

/** The entries `filter` selects, within `merchantScope` when it is not null. */
export function auditWhere(filter: AuditFilterFields, merchantScope: string | null): SQL | undefined {
  const conditions: SQL[] = [];
  const merchantId = merchantScope ?? filter.merchantId;
  if (merchantId) conditions.push(eq(auditLog.merchantId, merchantId));
  if (filter.action) conditions.push(eq(auditLog.action, filter.action));
  if (filter.outcome) conditions.push(eq(auditLog.outcome, filter.outcome));
  if (filter.targetId) conditions.push(eq(auditLog.targetId, filter.targetId));
  if (filter.from) conditions.push(gte(auditLog.at, new Date(filter.from)));
  if (filter.to) conditions.push(lt(auditLog.at, new Date(filter.to)));
  return and(...conditions);
}

/** Deletes entries older than `days`; run by the daily maintenance cron. */
export async function purgeAudit(db: Db, days: number, now = Date.now()): Promise<number> {
  const result = await db.delete(auditLog).where(lt(auditLog.at, new Date(now - days * 86_400_000)));
  return result.meta.changes ?? 0;
}

function toAuditView(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    role: row.role,
    merchantId: row.merchantId,
    action: row.action,
    outcome: row.outcome,
    target: row.targetType && row.targetId ? { type: row.targetType, id: row.targetId } : null,
    requestId: row.requestId,
    ip: row.ip,
    details: row.details,
    count: row.count,
    lastAt: (row.lastAt ?? row.at).toISOString(),
  };
}
