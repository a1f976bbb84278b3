import { and, asc, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { alertEvaluations, alerts, integrationHealth, integrations } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";
import type { FreshnessPercentiles } from "./freshness.ts";
import { sendDueNotifications } from "./notify.ts";
import { evaluateRules, systemQueueRule } from "./rules.ts";
import { alertSettingsOf } from "./settings.ts";
import { signalsOf, systemQueued } from "./signals.ts";
import { applyCondition, firingOf, resolveAlert } from "./store.ts";

/** Firing alerts of integrations gone or paused, resolved per invocation. */
const ORPHANS_PER_RUN = 50;

/**
 * The alerting step of the every-minute cron: the rules of the ALERT_EVALUATIONS_PER_RUN
 * integrations evaluated longest ago (so every integration gets its turn however many there
 * are), the system-wide rule, then the notifications that are due. ALERT_EVALUATIONS_PER_RUN=0
 * turns alerting off.
 */
export async function evaluateAlerts(
  env: Pick<Env, "INTEGRATION_GUARD">,
  db: Db,
  config: Config,
  now: number,
  log: Logger,
  freshness: FreshnessPercentiles,
) {
  const counts = { evaluated: 0, fired: 0, resolved: 0 };
  if (config.alerts.perRun <= 0) return { ...counts, notifications: null };
  const tally = (outcome: "fired" | "resolved" | null) => {
    if (outcome) counts[outcome]++;
  };

  const batch = await db
    .select({ integration: integrations, health: integrationHealth })
    .from(integrations)
    .leftJoin(alertEvaluations, eq(alertEvaluations.integrationId, integrations.id))
    .leftJoin(integrationHealth, eq(integrationHealth.integrationId, integrations.id))
    .where(eq(integrations.status, "active"))
    .orderBy(asc(alertEvaluations.evaluatedAt))
    .limit(config.alerts.perRun);
  // Marked first: a concurrent evaluation then takes the next integrations rather than these.
  // A few rows per statement, as D1 binds at most 100 parameters.
  for (let i = 0; i < batch.length; i += 40) {
    await db
      .insert(alertEvaluations)
      .values(
        batch
          .slice(i, i + 40)
          .map(({ integration }) => ({ integrationId: integration.id, evaluatedAt: new Date(now) })),
      )
      .onConflictDoUpdate({ target: alertEvaluations.integrationId, set: { evaluatedAt: new Date(now) } });
  }
  const firing = await firingOf(
    db,
    batch.map(({ integration }) => integration.id),
  );
  const windowMs = config.alerts.windowMinutes * 60_000;
  for (const { integration, health } of batch) {
    try {
      const { thresholds, disabled } = alertSettingsOf(integration, config.alerts.thresholds);
      const signals = await signalsOf({ env, db, freshness }, integration, health ?? undefined, now, windowMs);
      const target = { integrationId: integration.id, merchantId: integration.merchantId };
      for (const condition of evaluateRules(integration.name, signals, thresholds, disabled)) {
        const current = firing.find((a) => a.integrationId === integration.id && a.rule === condition.rule);
        tally(await applyCondition(db, target, condition, current, now));
      }
      counts.evaluated++;
    } catch (error) {
      log.error("alert rules could not be evaluated", {
        integrationId: integration.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const system = systemQueueRule(await systemQueued(db), config.alerts.thresholds.queueSize);
  const systemFiring = (await firingOf(db, null)).find((a) => a.rule === system.rule);
  tally(await applyCondition(db, { integrationId: null, merchantId: null }, system, systemFiring, now));

  for (const orphan of await orphans(db)) tally((await resolveAlert(db, orphan.id, now)) ? "resolved" : null);

  const notifications = await sendDueNotifications(db, config, now, log);
  return { ...counts, notifications };
}

/** Firing alerts whose integration was deleted or paused: nothing evaluates them any more. */
function orphans(db: Db) {
  return db
    .select({ id: alerts.id })
    .from(alerts)
    .leftJoin(integrations, eq(integrations.id, alerts.integrationId))
    .where(
      and(
        eq(alerts.status, "firing"),
        isNotNull(alerts.integrationId),
        or(isNull(integrations.id), ne(integrations.status, "active")),
      ),
    )
    .limit(ORPHANS_PER_RUN);
}
