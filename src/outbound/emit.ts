import type { SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { literalRow } from "../db/conditional-insert.ts";
import { newId } from "../db/ids.ts";
import { integrationEvents } from "../db/schema.ts";
import type { Entity } from "../platform/records.ts";

/** An event for the outbox (src/outbound/catalogue.ts lists the types and their payloads). */
export interface OutboundEvent {
  /** Null for a merchant's own events (a merchant-wide subscription). */
  integrationId: string | null;
  merchantId: string;
  type: string;
  payload: Record<string, unknown>;
}

const rowOf = (event: OutboundEvent, now: Date) => ({
  id: newId("evt", now.getTime()),
  integrationId: event.integrationId,
  merchantId: event.merchantId,
  type: event.type,
  payload: event.payload,
  createdAt: now,
  dispatchedAt: null,
});

/**
 * The statement that puts an event into the outbox, for the batch of the change it reports: the
 * event exists exactly when the change does. The dispatcher (src/outbound/dispatch.ts) fans it
 * out to the subscriptions that want it.
 */
export function outboxInsert(db: Db, event: OutboundEvent, now = new Date()) {
  return db.insert(integrationEvents).values(rowOf(event, now));
}

/** The same, written only while `where` matches a row of `table` (e.g. "this page is not yet recorded"). */
export function outboxInsertIf(db: Db, event: OutboundEvent, table: SQLiteTable, where: SQL, now = new Date()) {
  return db.insert(integrationEvents).select(
    db
      .select(literalRow(integrationEvents, rowOf(event, now)))
      .from(table)
      .where(where)
      .limit(1) as never,
  );
}

/** Items per item event: a page or a batch of more is told in several events. */
export const ITEMS_PER_EVENT = 500;

const ITEM_EVENT_OF = {
  products: "product.updated",
  inventory: "inventory.changed",
  prices: "price.changed",
} as const satisfies Record<Entity, string>;

/**
 * `product.updated`, `inventory.changed` and `price.changed` for what the platform accepted, one
 * event per entity and at most ITEMS_PER_EVENT items each: the changed records' fields, small
 * and stable, never whole catalogues. `source` says what made the change (a run or an incoming
 * event).
 */
export function itemEvents(
  integration: { id: string; merchantId: string },
  source: { runId: string } | { webhookEventId: string },
  accepted: readonly { entity: Entity; record: object }[],
): OutboundEvent[] {
  const events: OutboundEvent[] = [];
  for (const entity of Object.keys(ITEM_EVENT_OF) as Entity[]) {
    const items = accepted.filter((c) => c.entity === entity).map((c) => c.record);
    for (let i = 0; i < items.length; i += ITEMS_PER_EVENT) {
      events.push({
        integrationId: integration.id,
        merchantId: integration.merchantId,
        type: ITEM_EVENT_OF[entity],
        payload: { integrationId: integration.id, source, items: items.slice(i, i + ITEMS_PER_EVENT) },
      });
    }
  }
  return events;
}
