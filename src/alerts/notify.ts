import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { AlertRow } from "../db/schema.ts";
import { findIntegration } from "../integrations/store.ts";
import type { Logger } from "../observability/logger.ts";
import { attemptDelivery } from "../outbound/attempt.ts";
import { signatureHeaders } from "../outbound/sign.ts";
import {
  claimNotification,
  dueNotifications,
  recordNotified,
  recordNotifyFailure,
  releaseClaim,
} from "./notifications.ts";
import { alertmanagerPayload } from "./payload.ts";

/** Notifications sent per cron invocation; the rest are due at the next. */
const NOTIFY_PER_RUN = 50;

type Outcome = "sent" | "failed" | "silenced" | "dropped" | "unsigned" | "taken";

/**
 * Sends the notifications that are due: a firing alert's first (and its repeats), a resolution.
 * Each is claimed first, so that of concurrent evaluations one sends it; a failed POST leaves it
 * due, for the next evaluation to send again.
 */
export async function sendDueNotifications(db: Db, config: Config, now: number, log: Logger) {
  const due = await dueNotifications(db, now, NOTIFY_PER_RUN);
  const counts: Record<Outcome, number> = { sent: 0, failed: 0, silenced: 0, dropped: 0, unsigned: 0, taken: 0 };
  for (const alert of due) counts[await notifyOne(db, config, alert.id, now, log)]++;
  if (counts.unsigned > 0) {
    log.warn("alert notifications not sent: NOTIFICATION_SIGNING_SECRET is not set", { pending: counts.unsigned });
  }
  return counts;
}

async function notifyOne(db: Db, config: Config, alertId: string, now: number, log: Logger): Promise<Outcome> {
  const token = crypto.randomUUID();
  const alert = await claimNotification(db, alertId, token, now);
  if (!alert) return "taken";
  const kind = alert.status;
  // Silenced: nothing is sent until the silence ends, when whatever is due then goes out.
  if (alert.silencedUntil && alert.silencedUntil.getTime() > now) {
    await releaseClaim(db, alert.id, token, alert.silencedUntil.getTime(), now);
    return "silenced";
  }
  // A receiver never told of the firing has nothing to resolve.
  if (kind === "resolved" && alert.notifiedAt === null) {
    await releaseClaim(db, alert.id, token, null, now);
    return "dropped";
  }
  const secret = config.alerts.signingSecret;
  if (!secret) {
    await releaseClaim(db, alert.id, token, alert.notifyDueAt?.getTime() ?? now, now);
    return "unsigned";
  }
  const result = await post(db, config, alert, secret);
  if (result.ok) {
    await recordNotified(db, alert.id, token, kind, now, config.alerts.repeatIntervalMs);
    log.info("alert notification sent", {
      alertId: alert.id,
      rule: alert.rule,
      status: kind,
      integrationId: alert.integrationId,
    });
    return "sent";
  }
  await recordNotifyFailure(db, alert.id, token, result.error ?? "failed", now);
  log.warn("alert notification failed", { alertId: alert.id, status: kind, error: result.error });
  return "failed";
}

/**
 * One signed POST to NOTIFICATION_SERVICE_URL through the delivery attempt of outgoing webhooks:
 * the SSRF policy, no redirects, a timeout, errors naming the host only. The webhook-id is the
 * same on every retry of one notification and new for each repeat or resolution.
 */
async function post(db: Db, config: Config, alert: AlertRow, secret: string) {
  const integration = alert.integrationId ? await findIntegration(db, alert.integrationId) : undefined;
  const payload = alertmanagerPayload(alert, alert.status, {
    connector: integration?.connector ?? null,
    externalUrl: config.alerts.externalUrl,
  });
  const body = JSON.stringify(payload);
  const webhookId = `${alert.id}_${alert.status}_${alert.notifications}`;
  const headers = await signatureHeaders([secret], webhookId, Math.floor(Date.now() / 1000), body);
  return attemptDelivery(config, config.notificationServiceUrl, { headers, body }, { timeoutMs: 10_000 });
}
