import { and, desc, eq, inArray, isNotNull, isNull, lte, or, type SQL, sql } from "drizzle-orm";
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

/** Alerts whose notification is due, the longest-waiting first. */
export function dueNotifications(db: Db, now: number, limit: number): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(and(isNotNull(alerts.notifyDueAt), lte(alerts.notifyDueAt, new Date(now))))
    .orderBy(alerts.notifyDueAt)
    .limit(limit)
    .all();
}

/** A claim older than this belongs to an evaluation that died; the next one takes it over. */
export const CLAIM_TIMEOUT_MS = 60_000;

/**
 * Takes the notification of `alert` for this evaluation: one conditional update, so of
 * evaluations racing for it exactly one gets the row back and sends; the others skip it.
 */
export async function claimNotification(db: Db, alertId: string, token: string, now: number): Promise<AlertRow | null> {
  const at = new Date(now);
  const claimed = await db
    .update(alerts)
    .set({ claimToken: token, claimedAt: at })
    .where(
      and(
        eq(alerts.id, alertId),
        isNotNull(alerts.notifyDueAt),
        lte(alerts.notifyDueAt, at),
        or(isNull(alerts.claimToken), lte(alerts.claimedAt, new Date(now - CLAIM_TIMEOUT_MS))),
      ),
    )
    .returning();
  return claimed[0] ?? null;
}

/** Gives a claim back, with the notification next due at `dueAt` (null: none due). */
export async function releaseClaim(db: Db, alertId: string, token: string, dueAt: number | null, now: number) {
  await db
    .update(alerts)
    .set({
      claimToken: null,
      claimedAt: null,
      notifyDueAt: dueAt === null ? null : new Date(dueAt),
      updatedAt: new Date(now),
    })
    .where(and(eq(alerts.id, alertId), eq(alerts.claimToken, token)));
}

/**
 * The receiver took the notification. A firing one is next due after the repeat interval —
 * unless the alert resolved meanwhile (its resolution is due now) or was acknowledged (no
 * repeats); a resolution ends the alert's notifications.
 */
export async function recordNotified(
  db: Db,
  alertId: string,
  token: string,
  kind: AlertStatus,
  now: number,
  repeatIntervalMs: number,
) {
  const at = new Date(now);
  const common = {
    claimToken: null,
    claimedAt: null,
    notifications: sql`${alerts.notifications} + 1`,
    notifyFailures: 0,
    lastNotifyError: null,
    updatedAt: at,
  };
  const set =
    kind === "firing"
      ? {
          ...common,
          notifiedAt: at,
          notifyDueAt: sql`CASE WHEN ${alerts.status} <> 'firing' THEN ${alerts.notifyDueAt} WHEN ${alerts.acknowledgedAt} IS NOT NULL THEN NULL ELSE ${now + repeatIntervalMs} END`,
        }
      : { ...common, resolvedNotifiedAt: at, notifyDueAt: null };
  await db
    .update(alerts)
    .set(set)
    .where(and(eq(alerts.id, alertId), eq(alerts.claimToken, token)));
}

/** The receiver did not take it: still due, so the next evaluation tries again. */
export async function recordNotifyFailure(db: Db, alertId: string, token: string, error: string, now: number) {
  await db
    .update(alerts)
    .set({
      claimToken: null,
      claimedAt: null,
      notifyFailures: sql`${alerts.notifyFailures} + 1`,
      lastNotifyError: error.slice(0, 500),
      updatedAt: new Date(now),
    })
    .where(and(eq(alerts.id, alertId), eq(alerts.claimToken, token)));
}
