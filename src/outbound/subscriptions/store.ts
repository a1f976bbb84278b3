import { and, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Db, pageOf } from "../../db/client.ts";
import { type SubscriptionRow, webhookSubscriptions } from "../../db/schema.ts";
import { ALL_EVENTS } from "../catalogue.ts";
import type { ListSubscriptionsFilter } from "./schemas.ts";

/** Plain queries on subscriptions; tenant checks happen before these are called. */

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).get();
}

/** One page, newest first, within `merchantScope` when it is not null. */
export function listSubscriptions(db: Db, filter: ListSubscriptionsFilter, merchantScope: string | null) {
  const t = webhookSubscriptions;
  const conditions: SQL[] = [];
  const merchantId = merchantScope ?? filter.merchantId;
  if (merchantId) conditions.push(eq(t.merchantId, merchantId));
  if (filter.integrationId) conditions.push(eq(t.integrationId, filter.integrationId));
  if (filter.status) conditions.push(eq(t.status, filter.status));
  return pageOf(db, t, and(...conditions), [desc(t.createdAt), desc(t.id)], filter);
}

/**
 * The subscriptions an event goes to: the merchant's, for its integration or merchant-wide
 * (an event with no integration reaches merchant-wide ones only), whose `events` list its type
 * or `*`. Disabled ones are included — their deliveries are held, not dropped — so filter on
 * `status` to tell them apart.
 */
export function subscriptionsFor(
  db: Db,
  event: { merchantId: string; integrationId: string | null; type: string },
): Promise<SubscriptionRow[]> {
  const t = webhookSubscriptions;
  const scope =
    event.integrationId === null
      ? isNull(t.integrationId)
      : or(isNull(t.integrationId), eq(t.integrationId, event.integrationId));
  const listsType = sql`exists (select 1 from json_each(${t.events}) where json_each.value in (${event.type}, ${ALL_EVENTS}))`;
  return db
    .select()
    .from(t)
    .where(and(eq(t.merchantId, event.merchantId), scope, listsType))
    .orderBy(t.createdAt, t.id)
    .all();
}

/**
 * Which event types anyone subscribes to for an integration (its own subscriptions or its
 * merchant's merchant-wide ones, disabled ones included). Item events are bulky — a page of a
 * 100,000-item sync is 500 records each — so they are written to the outbox only when wanted.
 */
export async function wantedTypes(
  db: Db,
  integration: { id: string; merchantId: string },
): Promise<(type: string) => boolean> {
  const t = webhookSubscriptions;
  const rows = await db
    .select({ events: t.events })
    .from(t)
    .where(
      and(eq(t.merchantId, integration.merchantId), or(isNull(t.integrationId), eq(t.integrationId, integration.id))),
    )
    .all();
  const types = new Set(rows.flatMap((r) => r.events));
  return (type) => types.has(ALL_EVENTS) || types.has(type);
}
