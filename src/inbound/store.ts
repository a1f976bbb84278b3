import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { type Db, pageOf } from "../db/client.ts";
import { type WebhookEventRow, type WebhookEventStatus, webhookEvents } from "../db/schema.ts";

export function findEvent(db: Db, id: string) {
  return db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();
}

/** Stores a new event; false when the integration already has one with this external id. */
export async function insertEvent(db: Db, row: WebhookEventRow): Promise<boolean> {
  const inserted = await db.insert(webhookEvents).values(row).onConflictDoNothing();
  return inserted.meta.changes === 1;
}

export function findByExternalId(db: Db, integrationId: string, externalId: string) {
  return db
    .select({ id: webhookEvents.id, status: webhookEvents.status })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.integrationId, integrationId), eq(webhookEvents.externalId, externalId)))
    .get();
}

/** `by` more deliveries of an event already received. */
export function countDuplicate(db: Db, id: string, now: Date, by = 1) {
  return db
    .update(webhookEvents)
    .set({ duplicates: sql`${webhookEvents.duplicates} + ${by}`, lastDuplicateAt: now })
    .where(eq(webhookEvents.id, id));
}

/** The event is done with (processed, stale, rejected or failed), if it was still being received. */
export async function settleEvent(
  db: Db,
  id: string,
  status: Exclude<WebhookEventStatus, "received" | "unsupported">,
  fields: { outcome?: Record<string, unknown>; error?: string | null },
): Promise<boolean> {
  const now = new Date();
  const updated = await db
    .update(webhookEvents)
    .set({
      status,
      outcome: fields.outcome ?? null,
      error: fields.error?.slice(0, 2000) ?? null,
      processedAt: now,
      updatedAt: now,
    })
    .where(and(eq(webhookEvents.id, id), eq(webhookEvents.status, "received")));
  return updated.meta.changes === 1;
}

export function listEvents(
  db: Db,
  integrationId: string,
  filter: { page: number; limit: number; status?: WebhookEventStatus | undefined; type?: string | undefined },
) {
  const conditions: SQL[] = [eq(webhookEvents.integrationId, integrationId)];
  if (filter.status) conditions.push(eq(webhookEvents.status, filter.status));
  if (filter.type) conditions.push(eq(webhookEvents.type, filter.type));
  return pageOf(
    db,
    webhookEvents,
    and(...conditions),
    [desc(webhookEvents.receivedAt), desc(webhookEvents.id)],
    filter,
  );
}
