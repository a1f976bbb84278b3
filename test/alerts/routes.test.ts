import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { evaluateAlerts } from "../../src/alerts/evaluate.ts";
import type { FreshnessPercentiles } from "../../src/alerts/freshness.ts";
import { requireConfig } from "../../src/config.ts";
import { getDb } from "../../src/db/client.ts";
import { newId } from "../../src/db/ids.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { api } from "../helpers/api.ts";
import { auditOfRequest, tracedCall } from "../helpers/audit.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { newMerchant } from "../helpers/unique.ts";

const log = createLogger("error");

/** A stand-in for src/metrics/freshness.ts: p95 per integration as the test says, no samples elsewhere. */
function freshnessOf(p95ByIntegration: Record<string, number>): FreshnessPercentiles {
  return async (_db, scope) => {
    const p95 = scope.integrationId ? p95ByIntegration[scope.integrationId] : undefined;
    return p95 === undefined
      ? { p50Seconds: null, p95Seconds: null, samples: 0 }
      : { p50Seconds: p95 / 2, p95Seconds: p95, samples: 20 };
  };
}

/** One evaluation of every integration's rules, as the cron runs it (no signing secret: nothing is sent). */
async function evaluate(p95: Record<string, number>, vars: Record<string, string> = {}, now = Date.now()) {
  const config = await requireConfig({ ...env, ALERT_EVALUATIONS_PER_RUN: "100", ...vars } as Env);
  return evaluateAlerts(env, getDb(env), config, now, log, freshnessOf(p95));
}

async function feed(label: string, settings?: Record<string, unknown>) {
  const merchantId = newMerchant(label);
  const id = await csvIntegration(merchantId, { ...(settings ? { settings } : {}) });
  return { id, merchantId };
}

const list = async (query: string, token?: string) =>
  api("GET", `/api/alerts?${query}`, { token: token ?? (await admin()) });

describe("the freshness rule", () => {
  it("fires above ALERT_FRESHNESS_P95_SECONDS, or the integration's own threshold, and resolves below it", async () => {
    const a = await feed("fr-a");
    const b = await feed("fr-b", { alerts: { freshnessP95Seconds: 3000 } });
    await evaluate({ [a.id]: 1200, [b.id]: 1200 });
    const fired = (await list(`integrationId=${a.id}`)).body.data;
    expect(fired).toEqual([
      expect.objectContaining({
        rule: "freshness",
        status: "firing",
        severity: "warning",
        value: 1200,
        threshold: 900,
        integrationId: a.id,
        merchantId: a.merchantId,
        endsAt: null,
      }),
    ]);
    expect((await list(`integrationId=${b.id}`)).body.data).toEqual([]);

    await evaluate({ [a.id]: 1300 });
    const still = (await list(`integrationId=${a.id}`)).body.data;
    expect(still).toEqual([expect.objectContaining({ id: fired[0].id, status: "firing", value: 1300 })]);

    // No samples in the window: nothing says it is late any more.
    await evaluate({});
    const again = (await list(`integrationId=${a.id}`)).body.data;
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ status: "resolved", endsAt: expect.any(String) });
  });
});

describe("GET /api/alerts", () => {
  it("filters by status, integration and rule", async () => {
    const a = await feed("ls-a");
    await evaluate({ [a.id]: 5000 });
    await evaluate({});
    await evaluate({ [a.id]: 5000 });
    const all = (await list(`integrationId=${a.id}`)).body;
    expect(all.data.map((x: { status: string }) => x.status)).toEqual(["firing", "resolved"]);
    expect(all.pagination).toMatchObject({ total: 2 });
    expect((await list(`integrationId=${a.id}&status=resolved`)).body.data).toHaveLength(1);
    expect((await list(`integrationId=${a.id}&rule=freshness`)).body.data).toHaveLength(2);
    expect((await list(`integrationId=${a.id}&rule=error_rate`)).body.data).toHaveLength(0);
    const bad = await list("status=pending");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "VALIDATION_ERROR", details: [{ field: "query.status" }] });
  });

  it("shows a merchant only its integrations' alerts and answers 404 for another's; system alerts are staff's", async () => {
    const mine = await feed("tn-mine");
    const theirs = await feed("tn-theirs");
    // A received, unapplied event in the system's queue fires queue_size for the integration and the system.
    const at = Date.now();
    await env.DB.prepare(
      `INSERT INTO webhook_events (id, integration_id, merchant_id, external_id, type, status, version, payload,
         attempts, duplicates, received_at, updated_at)
       VALUES (?, ?, ?, ?, 'inventory.changed', 'received', ?, '{}', 0, 0, ?, ?)`,
    )
      .bind(newId("wev", at), theirs.id, theirs.merchantId, `q-${at}`, at, at, at)
      .run();
    await evaluate({ [mine.id]: 5000, [theirs.id]: 5000 }, { ALERT_QUEUE_SIZE: "1" });

    const token = await merchant(mine.merchantId);
    const seen = (await list("limit=100", token)).body.data as { integrationId: string | null; id: string }[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((x) => x.integrationId === mine.id)).toBe(true);
    const other = (await list(`integrationId=${theirs.id}&rule=queue_size`)).body.data[0];
    expect(other).toMatchObject({ rule: "queue_size", status: "firing", value: 1 });
    expect((await list(`integrationId=${theirs.id}`, token)).body.data).toEqual([]);
    for (const path of [`/api/alerts/${other.id}`, `/api/alerts/${other.id}/acknowledge`]) {
      const res = await api(path.endsWith("acknowledge") ? "POST" : "GET", path, { token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
    }

    const system = (await list("rule=queue_size&status=firing&limit=100")).body.data.find(
      (x: { integrationId: string | null }) => x.integrationId === null,
    );
    expect(system).toMatchObject({ merchantId: null, rule: "queue_size" });
    expect((await api("GET", `/api/alerts/${system.id}`, { token })).status).toBe(404);
    expect((await api("GET", `/api/alerts/${system.id}`, { token: await viewer() })).status).toBe(200);
    expect((await api("GET", `/api/alerts/${other.id}`, { token: await viewer(theirs.merchantId) })).status).toBe(200);
  });
});

describe("POST /api/alerts/{id}/acknowledge and /silence", () => {
  async function firingAlert(label: string) {
    const f = await feed(label);
    await evaluate({ [f.id]: 5000 });
    const [alert] = (await list(`integrationId=${f.id}`)).body.data;
    return { ...f, alert };
  }

  it("acknowledges, audited, for the owning merchant", async () => {
    const { alert, merchantId } = await firingAlert("ack");
    const { res, requestId } = await tracedCall("POST", `/api/alerts/${alert.id}/acknowledge`, {
      token: await merchant(merchantId),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      id: alert.id,
      acknowledgedAt: expect.any(String),
      acknowledgedBy: expect.stringContaining(merchantId),
    });
    const [entry] = await auditOfRequest(requestId);
    expect(entry).toMatchObject({
      action: "alert.acknowledged",
      outcome: "success",
      merchant_id: merchantId,
      target_type: "alert",
      target_id: alert.id,
    });
  });

  it("silences for some hours or until a time, audited, and refuses a time in the past", async () => {
    const { alert } = await firingAlert("sil");
    const before = Date.now();
    const { res, requestId } = await tracedCall("POST", `/api/alerts/${alert.id}/silence`, {
      token: await admin(),
      body: { hours: 2 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const until = Date.parse(res.body.data.silencedUntil);
    expect(until).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
    expect(until).toBeLessThan(Date.now() + 2 * 3_600_000 + 1000);
    expect((await auditOfRequest(requestId))[0]).toMatchObject({ action: "alert.silenced", target_id: alert.id });

    const at = new Date(Date.now() + 86_400_000).toISOString();
    const byTime = await api("POST", `/api/alerts/${alert.id}/silence`, { token: await admin(), body: { until: at } });
    expect(byTime.body.data.silencedUntil).toBe(at);

    for (const body of [
      { until: new Date(Date.now() - 1000).toISOString() },
      {},
      { hours: 0 },
      { hours: 2, until: at },
    ]) {
      const refused = await api("POST", `/api/alerts/${alert.id}/silence`, { token: await admin(), body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe("VALIDATION_ERROR");
    }
    const stored = await api("GET", `/api/alerts/${alert.id}`, { token: await admin() });
    expect(stored.body.data.silencedUntil).toBe(at);
  });

  it("is refused to viewers with 403", async () => {
    const { alert, merchantId } = await firingAlert("ack-viewer");
    for (const [path, body] of [
      ["acknowledge", undefined],
      ["silence", { hours: 1 }],
    ] as const) {
      const res = await api("POST", `/api/alerts/${alert.id}/${path}`, { token: await viewer(merchantId), body });
      expect(res.status).toBe(403);
    }
    const stored = (await api("GET", `/api/alerts/${alert.id}`, { token: await admin() })).body.data;
    expect(stored).toMatchObject({ acknowledgedAt: null, silencedUntil: null });
  });
});

describe("GET /api/alerts/rules", () => {
  it("lists every rule with its system-wide threshold, and memory as not observable", async () => {
    const res = await api("GET", "/api/alerts/rules", { token: await viewer() });
    expect(res.status).toBe(200);
    const byRule = Object.fromEntries(res.body.data.map((r: { rule: string }) => [r.rule, r]));
    expect(byRule.error_rate).toMatchObject({ threshold: 0.05, setting: "errorRate", observable: true });
    expect(byRule.response_time).toMatchObject({ threshold: 1000 });
    expect(byRule.queue_size).toMatchObject({ threshold: 1000 });
    expect(byRule.connection_failures).toMatchObject({ threshold: 3, severity: "critical" });
    expect(byRule.freshness).toMatchObject({ threshold: 900 });
    expect(byRule.delivery_failures).toMatchObject({ threshold: 5 });
    expect(byRule.memory_usage).toMatchObject({ observable: false, threshold: null });
  });
});

describe("settings.alerts", () => {
  it("refuses a threshold out of range or an unknown rule, naming the field", async () => {
    const { id } = await feed("set-bad");
    for (const [alerts, field] of [
      [{ errorRate: 2 }, "settings.alerts.errorRate"],
      [{ disabled: ["cpu"] }, "settings.alerts.disabled.0"],
      [{ speed: 1 }, "settings.alerts.speed"],
    ] as const) {
      const res = await api("PATCH", `/api/integrations/${id}`, {
        token: await admin(),
        body: { settings: { alerts } },
      });
      expect(res.status, JSON.stringify(alerts)).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const ok = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { settings: { alerts: { errorRate: 0.2, disabled: ["freshness"] }, healthCheckIntervalMinutes: 5 } },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data.settings).toMatchObject({
      alerts: { errorRate: 0.2, disabled: ["freshness"] },
      healthCheckIntervalMinutes: 5,
    });
  });
});
