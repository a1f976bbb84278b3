import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.ts";

/**
 * Runs the every-minute cron at `scheduledTime` against `env` with `vars` changed — the way the
 * health-check and alert tests move time. The test environment turns health checks and alert
 * evaluation off (vitest.config.ts); pass HEALTH_CHECKS_PER_RUN / ALERT_EVALUATIONS_PER_RUN to turn them on.
 */
export function everyMinute(scheduledTime: number, vars: Record<string, string> = {}): Promise<void> {
  return worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime }), {
    ...env,
    ...vars,
  } as Env);
}
