import { and, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type Db, pageOf } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { type AlertRow, type AlertStatus, alerts } from "../db/schema.ts";
import { fingerprintOf } from "./labels.ts";
import type { Condition } from "./rules.ts";

export function findAlert(db: Db, id: string): Promise<AlertRow | undefined> {
  return db.select().from(alerts).where(eq(alerts.id, id)).get();
}

/** The firing alerts of some integrations (null: the system's). */
export async function firingOf(db: Db, integrationIds: string[] | null): Promise<AlertRow[]> {
  const firing = (scope: SQL) =>
    db
      .select()
      .from(alerts)
      .where(and(eq(alerts.status, "firing"), scope))
      .all();
  if (integrationIds === null) return firing(isNull(alerts.integrationId));
  const rows: AlertRow[] = [];
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < integrationIds.length; i += 90) {
    rows.push(...(await firing(inArray(alerts.integrationId, integrationIds.slice(i, i + 90)))));
  }
  return rows;
}

/**
 * Applies one verdict: a condition that holds with no firing alert opens one (due for
 * notification now); one that holds keeps the firing alert's value current; one that stopped
 * holding resolves it (due now as well). The partial unique index on firing fingerprints makes
 * the open a no-op for a second evaluation racing this one, and the resolve is conditional on
 * the alert still firing, so each happens once.
 */
export async function applyCondition(
  db: Db,
  target: { integrationId: string | null; merchantId: string | null },
  condition: Condition,
  firing: AlertRow | undefined,
  now: number,
): Promise<"fired" | "resolved" | null> {
  const at = new Date(now);
  if (condition.holds && !firing) {
    const inserted = await db
      .insert(alerts)
      .values({
        id: newId("alr", now),
        fingerprint: await fingerprintOf(condition.rule, target.integrationId),
        rule: condition.rule,
        integrationId: target.integrationId,
        merchantId: target.merchantId,
        severity: condition.severity,
        status: "firing",
        value: condition.value,
        threshold: condition.threshold,
        summary: condition.summary,
        description: condition.description,
        startsAt: at,
        lastEvaluatedAt: at,
        notifyDueAt: at,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing();
    return inserted.meta.changes === 1 ? "fired" : null;
  }
  if (condition.holds && firing) {
    await db
      .update(alerts)
      .set({
        value: condition.value,
        threshold: condition.threshold,
        summary: condition.summary,
        description: condition.description,
        lastEvaluatedAt: at,
        updatedAt: at,
      })
      .where(and(eq(alerts.id, firing.id), eq(alerts.status, "firing")));
    return null;
  }
  if (!condition.holds && firing) return (await resolveAlert(db, firing.id, now)) ? "resolved" : null;
  return null;
}

/** Resolves a firing alert (its resolution due for notification now); false if it no longer fired. */
export async function resolveAlert(db: Db, id: string, now: number): Promise<boolean> {
  const at = new Date(now);
  const resolved = await db
    .update(alerts)
    .set({ status: "resolved", endsAt: at, notifyDueAt: at, lastEvaluatedAt: at, updatedAt: at })
    .where(and(eq(alerts.id, id), eq(alerts.status, "firing")));
  return resolved.meta.changes === 1;
}

export interface AlertFilter {
  page: number;
  limit: number;
  status?: AlertStatus | undefined;
  integrationId?: string | undefined;
  rule?: string | undefined;
}

/** A page of alerts, newest first, within `merchantScope` when it is not null (system alerts are staff's). */
export function listAlerts(db: Db, filter: AlertFilter, merchantScope: string | null) {
  const conditions: SQL[] = [];
  if (merchantScope !== null) conditions.push(eq(alerts.merchantId, merchantScope));
  if (filter.status) conditions.push(eq(alerts.status, filter.status));
  if (filter.integrationId) conditions.push(eq(alerts.integrationId, filter.integrationId));
  if (filter.rule) conditions.push(eq(alerts.rule, filter.rule));
  return pageOf(db, alerts, and(...conditions), [desc(alerts.startsAt), desc(alerts.id)], filter);
}

/**
 * Acknowledged: someone is on it. A firing alert already notified stops repeating; its
 * resolution is still notified.
 */
export async function acknowledgeAlert(db: Db, id: string, by: string, now: number): Promise<AlertRow | undefined> {
  const at = new Date(now);
  await db
    .update(alerts)
    .set({
      acknowledgedAt: at,
      acknowledgedBy: by,
      notifyDueAt: sql`CASE WHEN ${alerts.status} = 'firing' AND ${alerts.notifiedAt} IS NOT NULL THEN NULL ELSE ${alerts.notifyDueAt} END`,
      updatedAt: at,
    })
    .where(eq(alerts.id, id));
  return findAlert(db, id);
}

/** Silenced until `until`: recorded and evaluated as ever, but no notification is sent before then. */
export async function silenceAlert(
  db: Db,
  id: string,
  by: string,
  until: number,
  now: number,
): Promise<AlertRow | undefined> {
  await db
    .update(alerts)
    .set({ silencedUntil: new Date(until), silencedBy: by, updatedAt: new Date(now) })
    .where(eq(alerts.id, id));
  return findAlert(db, id);
}
