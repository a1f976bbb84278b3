import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { webhookRefusals } from "../db/schema.ts";

/** Why a webhook delivery was refused; each is counted and listed per integration. */
export const REFUSAL_CAUSES = [
  "missing_signature",
  "bad_signature",
  "stale_timestamp",
  "too_large",
  "unparsable",
  "unknown_type",
  "paused",
  "rate_limited",
] as const;
export type RefusalCause = (typeof REFUSAL_CAUSES)[number];

const HOUR_MS = 3_600_000;

/**
 * Counts a refusal in its integration's row for this cause and hour. The message says what the
 * sender has to fix; it is built by the gateway and never holds the body or a header's value.
 */
export function recordRefusal(
  db: Db,
  refusal: { integrationId: string; merchantId: string; cause: RefusalCause; message: string },
  now: Date,
) {
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return db
    .insert(webhookRefusals)
    .values({ ...refusal, message: refusal.message.slice(0, 500), hour, count: 1, firstAt: now, lastAt: now })
    .onConflictDoUpdate({
      target: [webhookRefusals.integrationId, webhookRefusals.cause, webhookRefusals.hour],
      set: { count: sql`${webhookRefusals.count} + 1`, lastAt: now, message: sql`excluded.message` },
    });
}

/** An integration's refusals, newest hour first, since `since`. */
export function listRefusals(db: Db, integrationId: string, since: Date, limit: number) {
  return db
    .select()
    .from(webhookRefusals)
    .where(and(eq(webhookRefusals.integrationId, integrationId), gte(webhookRefusals.lastAt, since)))
    .orderBy(desc(webhookRefusals.lastAt))
    .limit(limit)
    .all();
}

/** Refusals per cause since `since`. */
export async function refusalCounts(db: Db, integrationId: string, since: Date): Promise<Record<string, number>> {
  const rows = await db
    .select({ cause: webhookRefusals.cause, n: sql<number>`sum(${webhookRefusals.count})` })
    .from(webhookRefusals)
    .where(and(eq(webhookRefusals.integrationId, integrationId), gte(webhookRefusals.lastAt, since)))
    .groupBy(webhookRefusals.cause)
    .all();
  return Object.fromEntries(rows.map((r) => [r.cause, Number(r.n)]));
}
