import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import { probeConnection } from "./probe.ts";
import { healthIntervalMs } from "./settings.ts";
import { claimCheck, deferCheck, dueChecks, recordCheck, seedHealthRows } from "./store.ts";

/** A deferred check comes back no sooner than this, so a long-open circuit is not asked every minute for nothing. */
const MIN_DEFER_MS = 60_000;

/**
 * The health checks due now, from the every-minute cron: at most HEALTH_CHECKS_PER_RUN, each
 * claimed in D1 first (so overlapping crons check an integration once) and run side by side —
 * they are different integrations, each under its own guard.
 */
export async function runHealthChecks(env: Env, db: Db, config: Config, now: number, log: Logger) {
  const intervalOf = (row: { settings: Record<string, unknown> }) =>
    healthIntervalMs(row, config.health.intervalMinutes);
  const seeded = await seedHealthRows(db, now, intervalOf);
  const due = await dueChecks(db, now, config.health.perRun);
  const counts = { seeded, due: due.length, ok: 0, failed: 0, deferred: 0, skipped: 0 };
  await Promise.all(
    due.map(async ({ integration, health }) => {
      const interval = intervalOf(integration);
      if (!(await claimCheck(db, integration.id, health.nextCheckAt, now + interval))) {
        counts.skipped++;
        return;
      }
      try {
        const result = await probeConnection(env, config, integration, `health:${now}`);
        if (result.kind === "deferred") {
          counts.deferred++;
          const at = Math.min(now + interval, Math.max(now + MIN_DEFER_MS, result.until));
          await deferCheck(db, integration.id, at);
          return;
        }
        counts[result.ok ? "ok" : "failed"]++;
        await recordCheck(db, integration.id, result, now);
      } catch (error) {
        counts.failed++;
        log.error("health check could not run", {
          integrationId: integration.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  return counts;
}
