import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { type Db, pageOf } from "../db/client.ts";
import { type DeliveryRow, type DeliveryStatus, deliveries, deliveryAttempts } from "../db/schema.ts";

export function findDelivery(db: Db, id: string) {
  return db.select().from(deliveries).where(eq(deliveries.id, id)).get();
}

export function listDeliveries(
  db: Db,
  subscriptionId: string,
  filter: { page: number; limit: number; status?: DeliveryStatus | undefined },
) {
  const conditions: SQL[] = [eq(deliveries.subscriptionId, subscriptionId)];
  if (filter.status) conditions.push(eq(deliveries.status, filter.status));
  return pageOf(db, deliveries, and(...conditions), [desc(deliveries.createdAt), desc(deliveries.id)], filter);
}

export function attemptsOf(db: Db, deliveryId: string) {
  return db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(desc(deliveryAttempts.at))
    .limit(100)
    .all();
}

/** Per subscription: deliveries by status. */
export async function deliveryStats(
  db: Db,
  subscriptionId: string,
): Promise<Record<DeliveryStatus, number> & { failing: number }> {
  const rows = await db
    .select({
      status: deliveries.status,
      n: sql<number>`count(*)`,
      failing: sql<number>`sum(CASE WHEN ${deliveries.status} = 'pending' AND ${deliveries.attempts} > 0 THEN 1 ELSE 0 END)`,
    })
    .from(deliveries)
    .where(eq(deliveries.subscriptionId, subscriptionId))
    .groupBy(deliveries.status)
    .all();
  const stats = { pending: 0, succeeded: 0, held: 0, exhausted: 0, failing: 0 };
  for (const row of rows) {
    stats[row.status] = Number(row.n);
    stats.failing += Number(row.failing ?? 0);
  }
  return stats;
}

export type { DeliveryRow };
