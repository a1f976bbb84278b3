import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type AlertRow, type AlertStatus, alerts } from "../db/schema.ts";

// The notification bookkeeping of an alert: which one is due, who sends it, how it went.

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
