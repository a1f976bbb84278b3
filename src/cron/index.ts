import { evaluateAlerts } from "../alerts/evaluate.ts";
import { freshnessSource } from "../alerts/freshness.ts";
import { purgeAudit } from "../audit/query.ts";
import { requireConfig } from "../config.ts";
import { getDb } from "../db/client.ts";
import { runHealthChecks } from "../health/schedule.ts";
import { requeueStuckEvents } from "../inbound/recover.ts";
import { createLogger, type Logger, parseLogLevel } from "../observability/logger.ts";
import { dispatchOutbox } from "../outbound/dispatch.ts";
import { requeueDueDeliveries } from "../outbound/recover.ts";
import { purgeDeliveryLog } from "../outbound/retention.ts";
import { purgeSyncBookkeeping } from "../sync/retention.ts";
import { enqueueDueSyncs, failStalledRuns } from "../sync/schedule.ts";

type CronJob = (env: Env, log: Logger, controller: ScheduledController) => Promise<void>;

/** Cron expression (as in wrangler.toml `[triggers]`) -> job. */
export const CRON_JOBS: Record<string, CronJob> = {
  "* * * * *": pollIntegrations,
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
    log.warn("no job for this cron; check wrangler.toml [triggers]");
    return;
  }
  try {
    await job(env, log, controller);
  } catch (error) {
    log.error("cron job failed", { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/**
 * Every minute: start the syncs that are due, fail runs that stopped moving, queue webhook events
 * that lost their job, fan out the outbox and queue deliveries that are due, run the health
 * checks that are due and evaluate the alert rules.
 */
async function pollIntegrations(env: Env, log: Logger, controller: ScheduledController): Promise<void> {
  const db = getDb(env);
  const started = await enqueueDueSyncs(env, db, controller.scheduledTime, log);
  const stalled = await failStalledRuns(db, controller.scheduledTime);
  const requeued = await requeueStuckEvents(env, db, controller.scheduledTime, log);
  // Outgoing webhooks: whatever the kicks after each write missed, and retries due from D1.
  const dispatched = await dispatchOutbox(env, db, controller.scheduledTime, log);
  const due = await requeueDueDeliveries(env, db, controller.scheduledTime, log);
  // Health checks before alerts, so that a failing check is alerted on in the same minute.
  const config = await requireConfig(env);
  const health = await runHealthChecks(env, db, config, controller.scheduledTime, log);
  if (health.due > 0) log.info("health checks done", health);
  const alerting = await evaluateAlerts(env, db, config, controller.scheduledTime, log, freshnessSource);
  if (alerting.fired > 0 || alerting.resolved > 0) log.info("alerts evaluated", alerting);
  if (started.due > 0 || stalled > 0 || requeued > 0 || dispatched.events > 0 || due > 0)
    log.info("polling done", { ...started, stalled, requeued, dispatched: dispatched.events, deliveriesDue: due });
}

/**
 * Daily: drop audit entries older than AUDIT_RETENTION_DAYS, sync bookkeeping older than a week,
 * and the delivery log older than DELIVERY_LOG_RETENTION_DAYS.
 */
async function maintenance(env: Env, log: Logger, controller: ScheduledController): Promise<void> {
  const config = await requireConfig(env);
  const db = getDb(env);
  const purged = await purgeAudit(db, config.auditRetentionDays, controller.scheduledTime);
  const sync = await purgeSyncBookkeeping(env, db, controller.scheduledTime);
  const deliveryLog = await purgeDeliveryLog(db, config.outbound.logRetentionDays, controller.scheduledTime);
  log.info("maintenance done", {
    auditEntriesPurged: purged,
    retentionDays: config.auditRetentionDays,
    ...sync,
    deliveryAttemptsPurged: deliveryLog.attempts,
    deliveriesPurged: deliveryLog.deliveries,
    outboxEventsPurged: deliveryLog.events,
  });
}
