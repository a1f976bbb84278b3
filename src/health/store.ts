import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type IntegrationHealthRow, type IntegrationRow, integrationHealth, integrations } from "../db/schema.ts";

/** Integrations given their first health-check slot per cron invocation. */
const SEED_PER_RUN = 200;

export function findHealth(db: Db, integrationId: string): Promise<IntegrationHealthRow | undefined> {
  return db.select().from(integrationHealth).where(eq(integrationHealth.integrationId, integrationId)).get();
}

/**
 * Gives active integrations without a health row their first slot: somewhere in their first
 * interval, the same place for the same id, so that checks of many integrations are spread over
 * the interval instead of all falling on the minute they were created (or deployed).
 */
export async function seedHealthRows(
  db: Db,
  now: number,
  intervalOf: (row: IntegrationRow) => number,
): Promise<number> {
  const unseen = await db
    .select({ integration: integrations })
    .from(integrations)
    .leftJoin(integrationHealth, eq(integrationHealth.integrationId, integrations.id))
    .where(and(eq(integrations.status, "active"), isNull(integrationHealth.integrationId)))
    .limit(SEED_PER_RUN);
  if (unseen.length === 0) return 0;
  const rows = unseen.map(({ integration }) => ({
    integrationId: integration.id,
    merchantId: integration.merchantId,
    nextCheckAt: new Date(now + phaseOf(integration.id, intervalOf(integration))),
  }));
  // Inserted a few at a time: D1 binds at most 100 parameters per statement.
  for (let i = 0; i < rows.length; i += 25) {
    await db
      .insert(integrationHealth)
      .values(rows.slice(i, i + 25))
      .onConflictDoNothing();
  }
  return rows.length;
}

/** Active integrations whose check is due, the longest-waiting first. */
export async function dueChecks(db: Db, now: number, limit: number) {
  if (limit <= 0) return [];
  return db
    .select({ integration: integrations, health: integrationHealth })
    .from(integrationHealth)
    .innerJoin(integrations, eq(integrations.id, integrationHealth.integrationId))
    .where(and(eq(integrations.status, "active"), lte(integrationHealth.nextCheckAt, new Date(now))))
    .orderBy(asc(integrationHealth.nextCheckAt))
    .limit(limit);
}

/**
 * Takes the check due at `due` by moving `nextCheckAt` on: of crons racing for one integration
 * exactly one sees its update change the row. A late cron does not catch up on missed slots.
 */
export async function claimCheck(db: Db, integrationId: string, due: Date, next: number): Promise<boolean> {
  const claimed = await db
    .update(integrationHealth)
    .set({ nextCheckAt: new Date(next) })
    .where(and(eq(integrationHealth.integrationId, integrationId), eq(integrationHealth.nextCheckAt, due)));
  return claimed.meta.changes === 1;
}

/** Stores a check's result; failures are counted until the next passing check. */
export async function recordCheck(
  db: Db,
  integrationId: string,
  result: { ok: boolean; latencyMs: number; durationMs: number; message: string | null },
  at: number,
): Promise<void> {
  await db
    .update(integrationHealth)
    .set({
      status: result.ok ? "ok" : "error",
      checkedAt: new Date(at),
      latencyMs: result.latencyMs,
      durationMs: result.durationMs,
      message: result.message,
      consecutiveFailures: result.ok ? 0 : sql`${integrationHealth.consecutiveFailures} + 1`,
    })
    .where(eq(integrationHealth.integrationId, integrationId));
}

/** A check the guard did not admit (circuit open, rate limit): tried again when the guard says, within its interval. */
export async function deferCheck(db: Db, integrationId: string, at: number): Promise<void> {
  await db
    .update(integrationHealth)
    .set({ nextCheckAt: new Date(at) })
    .where(eq(integrationHealth.integrationId, integrationId));
}

/** Where in its first interval an integration's checks fall: a hash of its id (FNV-1a), as a fraction. */
export function phaseOf(integrationId: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < integrationId.length; i++) {
    hash ^= integrationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 0x1_0000_0000) * intervalMs);
}
