import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { ReceivedDelivery } from "../../simulators/receiver/app.ts";
import { generateSubscriptionSecret } from "../../src/outbound/sign.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { everyMinute } from "../helpers/cron.ts";
import { logoIntegration } from "../helpers/integrations.ts";
import { configureLogo, newLogoTenant } from "../helpers/logo.ts";
import { configureReceiver, received, receiverKey, receiverUrl } from "../helpers/receiver.ts";
import { newMerchant } from "../helpers/unique.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A receiver of one's own, and the cron variables that turn health checks and alerting on towards it. */
async function notificationReceiver(label: string, extra: Record<string, string> = {}) {
  const key = receiverKey(label);
  const secret = generateSubscriptionSecret();
  await configureReceiver(key, { secret });
  const vars = {
    HEALTH_CHECKS_PER_RUN: "20",
    ALERT_EVALUATIONS_PER_RUN: "50",
    NOTIFICATION_SERVICE_URL: receiverUrl(key),
    NOTIFICATION_SIGNING_SECRET: secret,
    ALERT_EXTERNAL_URL: "https://gateway.example",
    ...extra,
  };
  return { key, secret, vars };
}

/** A Logo integration checked every minute, whose circuit stays closed (the alert then follows the checks alone). */
async function failingLogo(label: string, settings: Record<string, unknown> = {}) {
  const tenant = newLogoTenant(label);
  await configureLogo(tenant, { sql: true, errorRate: 1 });
  const merchantId = newMerchant(label);
  const id = await logoIntegration(merchantId, tenant, {
    healthCheckIntervalMinutes: 1,
    circuitFailureThreshold: 50,
    // Checks come every few milliseconds here, not every minute: room for them in the interactive budget.
    interactiveRateLimitRequests: 1000,
    ...settings,
  });
  return { id, tenant, merchantId };
}

/** The notifications `key` received about one integration, oldest first. */
async function notificationsOf(key: string, integrationId: string): Promise<ReceivedDelivery[]> {
  const all = await received(key);
  return all.deliveries.filter(
    (d) =>
      (d.body as { alerts?: { labels: Record<string, string> }[] }).alerts?.[0]?.labels.integration_id ===
      integrationId,
  );
}

type Payload = {
  version: string;
  status: string;
  groupKey: string;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
};

const alertsOf = async (integrationId: string) =>
  (await api("GET", `/api/alerts?integrationId=${integrationId}`, { token: await admin() })).body.data;

describe("alert notifications", () => {
  it("fires once when the ERP breaks, stays quiet, repeats after the repeat interval and resolves once, Alertmanager-shaped and signed", async () => {
    const { key, secret, vars } = await notificationReceiver("al-main");
    const { id, tenant, merchantId } = await failingLogo("al-main");
    const t0 = Date.now();
    await everyMinute(t0, vars);
    // The first check falls within the first minute; three failed checks fire the alert.
    for (let m = 1; m <= 2; m++) await everyMinute(t0 + m * MIN, vars);
    expect(await notificationsOf(key, id)).toHaveLength(0);
    const firedAt = t0 + 3 * MIN;
    await everyMinute(firedAt, vars);

    const [first, ...rest] = await notificationsOf(key, id);
    expect(rest).toHaveLength(0);
    expect(first?.status).toBe(200);
    expect(first?.signatureVerified).toBe(true);
    // Verified here too by the reference library, with the headers as sent.
    const headers = {
      "webhook-id": first?.webhookId ?? "",
      "webhook-timestamp": first?.timestamp ?? "",
      "webhook-signature": first?.signature ?? "",
    };
    expect(new Webhook(secret).verify(JSON.stringify(first?.body), headers)).toEqual(first?.body);
    const body = first?.body as Payload;
    const [listed] = await alertsOf(id);
    const labels = {
      alertname: "connection_failures",
      integration_id: id,
      merchant_id: merchantId,
      connector: "logo",
      severity: "critical",
    };
    expect(body).toMatchObject({
      version: "4",
      status: "firing",
      receiver: "notification-service",
      groupKey: `{}:{alertname="connection_failures", integration_id="${id}"}`,
      groupLabels: { alertname: "connection_failures", integration_id: id },
      commonLabels: labels,
      externalURL: "https://gateway.example",
    });
    expect(body.alerts).toEqual([
      {
        status: "firing",
        labels,
        annotations: {
          summary: expect.stringContaining("connection"),
          description: expect.stringContaining("3 consecutive"),
        },
        startsAt: new Date(firedAt).toISOString(),
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: `https://gateway.example/api/alerts/${listed.id}`,
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
    expect(body.commonAnnotations).toEqual(body.alerts[0]?.annotations);
    expect(JSON.stringify(body)).not.toContain("logo-pass");

    // Still failing: quiet until the repeat interval has passed, whatever crons overlap.
    for (let m = 1; m <= 3; m++) await everyMinute(firedAt + m * MIN, vars);
    await Promise.all([everyMinute(firedAt + 4 * HOUR - MIN, vars), everyMinute(firedAt + 4 * HOUR - MIN, vars)]);
    expect(await notificationsOf(key, id)).toHaveLength(1);
    await Promise.all([everyMinute(firedAt + 4 * HOUR, vars), everyMinute(firedAt + 4 * HOUR, vars)]);
    const repeated = await notificationsOf(key, id);
    expect(repeated).toHaveLength(2);
    const again = repeated[1]?.body as Payload;
    expect(again.status).toBe("firing");
    expect(again.alerts[0]).toMatchObject({
      startsAt: body.alerts[0]?.startsAt,
      fingerprint: body.alerts[0]?.fingerprint,
    });
    expect(repeated[1]?.webhookId).not.toBe(repeated[0]?.webhookId);

    // Fixed: the next check passes and the alert resolves, once.
    await configureLogo(tenant, { errorRate: 0 });
    const resolvedAt = firedAt + 4 * HOUR + MIN;
    await everyMinute(resolvedAt, vars);
    for (let m = 1; m <= 3; m++) await everyMinute(resolvedAt + m * MIN, vars);
    const all = await notificationsOf(key, id);
    expect(all.map((n) => (n.body as Payload).status)).toEqual(["firing", "firing", "resolved"]);
    const resolved = all[2]?.body as Payload;
    expect(resolved.alerts[0]).toMatchObject({
      status: "resolved",
      startsAt: body.alerts[0]?.startsAt,
      endsAt: new Date(resolvedAt).toISOString(),
      fingerprint: body.alerts[0]?.fingerprint,
    });
    expect(all[2]?.signatureVerified).toBe(true);

    const [alert, ...others] = await alertsOf(id);
    expect(others).toHaveLength(0);
    expect(alert).toMatchObject({
      rule: "connection_failures",
      status: "resolved",
      startsAt: new Date(firedAt).toISOString(),
      endsAt: new Date(resolvedAt).toISOString(),
      notifications: { sent: 3, nextDueAt: null, failures: 0 },
    });
  });

  it("notifies once when two evaluations run at the same moment", async () => {
    const { key, vars } = await notificationReceiver("al-race");
    const { id } = await failingLogo("al-race");
    const t0 = Date.now();
    const checksOnly = { ...vars, ALERT_EVALUATIONS_PER_RUN: "0" };
    for (let m = 0; m <= 3; m++) await everyMinute(t0 + m * MIN, checksOnly);
    await Promise.all([
      everyMinute(t0 + 4 * MIN, vars),
      everyMinute(t0 + 4 * MIN, vars),
      everyMinute(t0 + 4 * MIN, vars),
    ]);
    expect(await notificationsOf(key, id)).toHaveLength(1);
    expect(await alertsOf(id)).toHaveLength(1);
  });

  it("sends a notification the receiver refused again at the next evaluation, with the same webhook-id", async () => {
    const { key, secret, vars } = await notificationReceiver("al-retry");
    await configureReceiver(key, { secret, failNext: 1 });
    const { id } = await failingLogo("al-retry", { alerts: { connectionFailures: 1 } });
    const t0 = Date.now();
    await everyMinute(t0, vars);
    await everyMinute(t0 + MIN, vars);
    const [refused] = await notificationsOf(key, id);
    expect(refused?.status).toBe(500);
    const [pending] = await alertsOf(id);
    expect(pending.notifications).toMatchObject({ sent: 0, failures: 1, lastError: expect.stringContaining("500") });

    await everyMinute(t0 + 2 * MIN, vars);
    const [, taken, ...more] = await notificationsOf(key, id);
    expect(more).toHaveLength(0);
    expect(taken?.status).toBe(200);
    expect(taken?.webhookId).toBe(refused?.webhookId);
    expect((await alertsOf(id))[0].notifications).toMatchObject({ sent: 1, failures: 0, lastError: null });
  });

  it("sends nothing for a silenced alert until the silence ends, still recording it", async () => {
    const { key, vars } = await notificationReceiver("al-silence");
    const { id } = await failingLogo("al-silence", { alerts: { connectionFailures: 1 } });
    const t0 = Date.now();
    await everyMinute(t0, vars);
    await everyMinute(t0 + MIN, vars);
    const [alert] = await alertsOf(id);
    const silenced = await api("POST", `/api/alerts/${alert.id}/silence`, { token: await admin(), body: { hours: 6 } });
    expect(silenced.status).toBe(200);

    await everyMinute(t0 + MIN + 4 * HOUR, vars);
    expect(await notificationsOf(key, id)).toHaveLength(1);
    const quiet = (await alertsOf(id))[0];
    expect(quiet).toMatchObject({
      status: "firing",
      notifications: { sent: 1, nextDueAt: silenced.body.data.silencedUntil },
    });

    await everyMinute(Date.parse(silenced.body.data.silencedUntil) + MIN, vars);
    const all = await notificationsOf(key, id);
    expect(all.map((n) => (n.body as Payload).status)).toEqual(["firing", "firing"]);
  });

  it("stops repeating an acknowledged alert but still notifies its resolution", async () => {
    const { key, vars } = await notificationReceiver("al-ack");
    const { id, tenant } = await failingLogo("al-ack", { alerts: { connectionFailures: 1 } });
    const t0 = Date.now();
    await everyMinute(t0, vars);
    await everyMinute(t0 + MIN, vars);
    const [alert] = await alertsOf(id);
    const acked = await api("POST", `/api/alerts/${alert.id}/acknowledge`, { token: await admin() });
    expect(acked.body.data.notifications.nextDueAt).toBeNull();

    await everyMinute(t0 + MIN + 4 * HOUR, vars);
    await everyMinute(t0 + MIN + 8 * HOUR, vars);
    expect(await notificationsOf(key, id)).toHaveLength(1);
    await configureLogo(tenant, { errorRate: 0 });
    await everyMinute(t0 + 9 * HOUR, vars);
    const all = await notificationsOf(key, id);
    expect(all.map((n) => (n.body as Payload).status)).toEqual(["firing", "resolved"]);
  });

  it("follows the integration's own threshold and disabled rules", async () => {
    const { key, vars } = await notificationReceiver("al-own");
    const strict = await failingLogo("al-own-strict", { alerts: { connectionFailures: 1 } });
    const off = await failingLogo("al-own-off", { alerts: { disabled: ["connection_failures"] } });
    const t0 = Date.now();
    await everyMinute(t0, vars);
    await everyMinute(t0 + MIN, vars);
    expect(await notificationsOf(key, strict.id)).toHaveLength(1);
    for (let m = 2; m <= 5; m++) await everyMinute(t0 + m * MIN, vars);
    expect(await notificationsOf(key, off.id)).toHaveLength(0);
    expect(await alertsOf(off.id)).toEqual([]);
  });

  it("fires response_time for a slow ERP", async () => {
    const { key, vars } = await notificationReceiver("al-slow", { ALERT_RESPONSE_TIME_MS: "200" });
    const tenant = newLogoTenant("al-slow");
    await configureLogo(tenant, { sql: true, latencyMs: 250 });
    const id = await logoIntegration(newMerchant("al-slow"), tenant, {
      healthCheckIntervalMinutes: 1,
      interactiveRateLimitRequests: 1000,
    });
    const t0 = Date.now();
    await everyMinute(t0, vars);
    await everyMinute(t0 + MIN, vars);
    const [note] = await notificationsOf(key, id);
    if (!note) throw new Error("no notification");
    expect((note.body as Payload).alerts[0]?.labels).toMatchObject({
      alertname: "response_time",
      severity: "warning",
    });
    const [alert] = await alertsOf(id);
    expect(alert).toMatchObject({ rule: "response_time", status: "firing", threshold: 200 });
    expect(alert.value).toBeGreaterThanOrEqual(250);
  });

  it("records but does not send while NOTIFICATION_SIGNING_SECRET is unset, and sends once it is set", async () => {
    const { key, vars } = await notificationReceiver("al-unsigned");
    const { id } = await failingLogo("al-unsigned", { alerts: { connectionFailures: 1 } });
    const t0 = Date.now();
    const unsigned = { ...vars, NOTIFICATION_SIGNING_SECRET: "" };
    await everyMinute(t0, unsigned);
    await everyMinute(t0 + MIN, unsigned);
    expect(await notificationsOf(key, id)).toHaveLength(0);
    const [alert] = await alertsOf(id);
    expect(alert).toMatchObject({ status: "firing", notifications: { sent: 0, nextDueAt: expect.any(String) } });
    await everyMinute(t0 + 2 * MIN, vars);
    expect(await notificationsOf(key, id)).toHaveLength(1);
  });

  it("resolves the alerts of an integration that is paused", async () => {
    const { key, vars } = await notificationReceiver("al-pause");
    const { id } = await failingLogo("al-pause", { alerts: { connectionFailures: 1 } });
    const t0 = Date.now();
    await everyMinute(t0, vars);
    await everyMinute(t0 + MIN, vars);
    const paused = await api("PATCH", `/api/integrations/${id}`, { token: await admin(), body: { status: "paused" } });
    expect(paused.status).toBe(200);
    await everyMinute(t0 + 2 * MIN, vars);
    expect((await notificationsOf(key, id)).map((n) => (n.body as Payload).status)).toEqual(["firing", "resolved"]);
  });

  it("evaluates no more integrations per minute than ALERT_EVALUATIONS_PER_RUN", async () => {
    const { vars } = await notificationReceiver("al-bound");
    await failingLogo("al-bound-1");
    await failingLogo("al-bound-2");
    const at = Date.now() + 10 * HOUR;
    await everyMinute(at, { ...vars, HEALTH_CHECKS_PER_RUN: "0", ALERT_EVALUATIONS_PER_RUN: "1" });
    const touched = await env.DB.prepare("SELECT count(*) AS n FROM alert_evaluations WHERE evaluated_at = ?")
      .bind(at)
      .first<{ n: number }>();
    expect(touched?.n).toBe(1);
  });
});
