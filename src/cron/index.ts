import { purgeAudit } from "../audit/query.ts";
import { requireConfig } from "../config.ts";
import { getDb } from "../db/client.ts";
import { createLogger, type Logger, parseLogLevel } from "../observability/logger.ts";

type CronJob = (env: Env, log: Logger, controller: ScheduledController) => Promise<void>;

/** Cron expression (as in wrangler.toml `[triggers]`) -> job. */
export const CRON_JOBS: Record<string, CronJob> = {
  "0 3 * * *": maintenance,
};

/**
 * The `scheduled()` handler. A job failure is logged and rethrown so that the runtime records
 * the invocation as failed (visible in the dashboard and `wrangler tail`).
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const log = createLogger(parseLogLevel(env.LOG_LEVEL), { cron: controller.cron });
  const job = CRON_JOBS[controller.cron];
  if (!job) {
    // "* * * * *" is declared for sync polling, whose job arrives with the sync engine.
    log.debug("no job for this cron");
    return;
  }
  try {
    await job(env, log, controller);
  } catch (error) {
    log.error("cron job failed", { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** Daily: drop audit entries older than AUDIT_RETENTION_DAYS. */
async function maintenance(env: Env, log: Logger, controller: ScheduledController): Promise<void> {
  const config = await requireConfig(env);
  const purged = await purgeAudit(getDb(env), config.auditRetentionDays, controller.scheduledTime);
  log.info("maintenance done", { auditEntriesPurged: purged, retentionDays: config.auditRetentionDays });
}
