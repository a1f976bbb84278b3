import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { envelopeOf, type OutboundEventType } from "../../src/outbound/catalogue.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { eventually } from "../helpers/eventually.ts";
import { csvIntegration, startSync } from "../helpers/integrations.ts";
import { configureReceiver, received, receiverKey, receiverUrl } from "../helpers/receiver.ts";
import { waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const CSV = "sku,name,stock,price\nA-1,Apple,5,10\nB-2,Pear,7,12\nC-3,Plum,9,14\n";

/** A CSV integration with a subscription (seed's register call) to a receiver of its own. */
async function subscribed(label: string, events: string[], receiver: Record<string, unknown> = {}) {
  const merchantId = newMerchant(label);
  const id = await csvIntegration(merchantId, { csv: CSV });
  const key = receiverKey(label);
  const token = await admin();
  const res = await api("POST", `/api/integrations/${id}/webhook/register`, {
    token,
    body: { url: receiverUrl(key), events },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const subscription = res.body.data as { id: string; secret: string };
  await configureReceiver(key, { secret: subscription.secret, ...receiver });
  return { merchantId, id, key, subscription, token };
}

const sync = async (id: string) => {
  const runId = await startSync(id, { type: "full" });
  expect((await waitForRun(runId)).status).toBe("succeeded");
  return runId;
};

const bodies = (deliveries: { body: unknown; status: number }[]) =>
  deliveries.filter((d) => d.status < 300).map((d) => d.body as { type: string; data: Record<string, unknown> });

describe("outgoing webhooks, end to end", () => {
  it("delivers what a sync did, signed so that the standardwebhooks library verifies it, each event once", async () => {
    const { id, key } = await subscribed("ow-ok", ["inventory.changed", "sync.completed"]);
    const runId = await sync(id);
    const got = await eventually(async () => {
      const r = await received(key);
      return r.count >= 2 && r;
    });
    expect(got.deliveries.every((d) => d.signatureVerified)).toBe(true);
    const events = bodies(got.deliveries);
    expect(events.map((e) => e.type).sort()).toEqual(["inventory.changed", "sync.completed"]);
    // Each as the published catalogue (and so the OpenAPI document) describes it.
    for (const event of events) {
      const parsed = envelopeOf(event.type as OutboundEventType).safeParse(event);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
    const stock = events.find((e) => e.type === "inventory.changed");
    if (!stock) throw new Error("no inventory.changed delivered");
    expect(stock.data).toMatchObject({ integrationId: id, source: { runId } });
    expect((stock.data.items as { sku: string; stock: number }[]).map((i) => [i.sku, i.stock]).sort()).toEqual([
      ["A-1", 5],
      ["B-2", 7],
      ["C-3", 9],
    ]);
    // Each webhook-id is the event's id, once.
    const ids = got.deliveries.map((d) => d.webhookId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((i) => i?.startsWith("evt_"))).toBe(true);
  });

  it("retries a failing receiver on the schedule until it answers, and gets every event once it recovers", async () => {
    const { id, key, subscription, token } = await subscribed("ow-retry", ["sync.completed"], {
      failNext: 3,
      failStatus: 503,
    });
    await sync(id);
    const got = await eventually(async () => {
      const r = await received(key);
      return r.deliveries.some((d) => d.status === 200) && r;
    });
    expect(got.deliveries.map((d) => d.status)).toEqual([503, 503, 503, 200]);
    // The same webhook-id on every attempt: a receiver can drop duplicates.
    expect(new Set(got.deliveries.map((d) => d.webhookId)).size).toBe(1);
    const list = await api("GET", `/api/subscriptions/${subscription.id}/deliveries`, { token });
    expect(list.body.data).toEqual([expect.objectContaining({ status: "succeeded", attempts: 4 })]);
    const detail = await api("GET", `/api/deliveries/${list.body.data[0].id}`, { token });
    expect(detail.body.data.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 503, 503, 503]);
    const outbox = await env.DB.prepare(
      "SELECT type FROM integration_events WHERE type LIKE 'delivery.%' AND json_extract(payload, '$.subscriptionId') = ? ORDER BY created_at, id",
    )
      .bind(subscription.id)
      .all<{ type: string }>();
    expect(outbox.results.map((r) => r.type)).toEqual(["delivery.failing", "delivery.recovered"]);
  });

  it("disables a subscription whose receiver answers 410 Gone, at once", async () => {
    const { id, key, subscription, token } = await subscribed("ow-gone", ["sync.completed"], { gone: true });
    await sync(id);
    const sub = await eventually(async () => {
      const res = await api("GET", `/api/subscriptions/${subscription.id}`, { token });
      return res.body.data.status === "disabled" && res.body.data;
    });
    expect(sub.disabledReason).toMatch(/410/);
    expect((await received(key)).deliveries.map((d) => d.status)).toEqual([410]);
  });

  it("holds events while a subscription is disabled and delivers each once when it is enabled and replayed", async () => {
    const { id, key, subscription, token } = await subscribed("ow-held", ["inventory.changed", "sync.completed"]);
    expect((await api("POST", `/api/subscriptions/${subscription.id}/disable`, { token })).status).toBe(200);
    const since = new Date().toISOString();
    await sync(id);
    const stats = await eventually(async () => {
      const res = await api("GET", `/api/subscriptions/${subscription.id}/stats`, { token });
      return res.body.data.held === 2 && res.body.data;
    });
    expect(stats).toMatchObject({ held: 2, succeeded: 0, pending: 0 });
    expect((await received(key)).count).toBe(0);

    expect((await api("POST", `/api/subscriptions/${subscription.id}/enable`, { token })).status).toBe(200);
    const replay = await api("POST", `/api/subscriptions/${subscription.id}/replay`, { token, body: { since } });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body.data).toEqual({ queued: 2, more: false });
    const got = await eventually(async () => {
      const r = await received(key);
      return r.count >= 2 && r;
    });
    expect(
      bodies(got.deliveries)
        .map((e) => e.type)
        .sort(),
    ).toEqual(["inventory.changed", "sync.completed"]);
    // Replayed again: nothing held any more, nothing sent twice.
    const again = await api("POST", `/api/subscriptions/${subscription.id}/replay`, { token, body: { since } });
    expect(again.body.data).toEqual({ queued: 0, more: false });
    expect((await received(key)).count).toBe(2);
  });
});

describe("outgoing webhooks over time", () => {
  it("honours a receiver's Retry-After before the next attempt", async () => {
    const { id, key } = await subscribed("ow-ra", ["sync.completed"], { failNext: 1, failStatus: 429, retryAfter: 1 });
    await sync(id);
    const got = await eventually(async () => {
      const r = await received(key);
      return r.deliveries.some((d) => d.status === 200) && r;
    });
    expect(got.deliveries.map((d) => d.status)).toEqual([429, 200]);
    const [first, second] = got.deliveries.map((d) => Date.parse(d.at));
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("disables a subscription that keeps failing past SUBSCRIPTION_DISABLE_AFTER_HOURS, emits subscription.disabled, and holds what is pending", async () => {
    const { id, key, subscription, token } = await subscribed("ow-long", ["sync.completed"], {
      failNext: 1000,
      failStatus: 500,
    });
    // Failing for six days already (as if its earlier deliveries had failed all along).
    await env.DB.prepare("UPDATE webhook_subscriptions SET failing_since = ? WHERE id = ?")
      .bind(Date.now() - 6 * 86_400_000, subscription.id)
      .run();
    await sync(id);
    const sub = await eventually(async () => {
      const res = await api("GET", `/api/subscriptions/${subscription.id}`, { token });
      return res.body.data.status === "disabled" && res.body.data;
    });
    expect(sub.disabledReason).toMatch(/failing since/);
    expect((await received(key)).deliveries.map((d) => d.status)).toEqual([500]);
    const list = await api("GET", `/api/subscriptions/${subscription.id}/deliveries`, { token });
    expect(list.body.data).toEqual([expect.objectContaining({ status: "held", attempts: 1 })]);
    const disabled = await env.DB.prepare(
      "SELECT payload FROM integration_events WHERE type = 'subscription.disabled' AND json_extract(payload, '$.subscriptionId') = ?",
    )
      .bind(subscription.id)
      .first<{ payload: string }>();
    expect(JSON.parse(disabled?.payload ?? "{}")).toMatchObject({
      subscriptionId: subscription.id,
      reason: sub.disabledReason,
    });
  });

  it("signs with both secrets during a rotation's overlap, so a receiver still on the old one verifies", async () => {
    const { id, key, subscription, token } = await subscribed("ow-rot", ["sync.completed"]);
    const rotated = await api("POST", `/api/subscriptions/${subscription.id}/rotate-secret`, { token, body: {} });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    // The receiver still has the old secret.
    await sync(id);
    const got = await eventually(async () => {
      const r = await received(key);
      return r.count >= 1 && r;
    });
    expect(got.deliveries[0]?.signatureVerified).toBe(true);
    expect(got.deliveries[0]?.signature?.split(" ")).toHaveLength(2);
    // A receiver on the new one verifies too.
    await configureReceiver(key, { secret: rotated.body.data.secret });
    const second = await sync(id);
    expect(second).toMatch(/^run_/);
    const both = await eventually(async () => {
      const r = await received(key);
      return r.count >= 2 && r;
    });
    expect(both.deliveries.every((d) => d.signatureVerified)).toBe(true);
  });
});

describe("redelivery and merchant-wide subscriptions", () => {
  it("redelivers one delivery on request, with the same webhook-id, logged as manual", async () => {
    const { id, key, subscription, token } = await subscribed("ow-redo", ["sync.completed"]);
    await sync(id);
    await eventually(async () => (await received(key)).count >= 1);
    const [delivery] = (await api("GET", `/api/subscriptions/${subscription.id}/deliveries`, { token })).body.data;
    const redo = await api("POST", `/api/deliveries/${delivery.id}/redeliver`, { token });
    expect(redo.status, JSON.stringify(redo.body)).toBe(202);
    const got = await eventually(async () => {
      const r = await received(key);
      return r.count >= 2 && r;
    });
    expect(got.deliveries.map((d) => d.webhookId)).toEqual([delivery.eventId, delivery.eventId]);
    const detail = await eventually(async () => {
      const res = await api("GET", `/api/deliveries/${delivery.id}`, { token });
      return res.body.data.attemptLog.length === 2 && res.body.data;
    });
    expect(detail.attemptLog.map((a: { trigger: string }) => a.trigger)).toEqual(["manual", "scheduled"]);
  });

  it("delivers the events of every integration of a merchant to a merchant-wide subscription", async () => {
    const merchantId = newMerchant("ow-wide");
    const first = await csvIntegration(merchantId, { csv: CSV, name: "first" });
    const second = await csvIntegration(merchantId, { csv: CSV, name: "second" });
    const key = receiverKey("ow-wide");
    const token = await admin();
    const res = await api("POST", "/api/subscriptions", {
      token,
      body: { merchantId, url: receiverUrl(key), events: ["sync.completed"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await configureReceiver(key, { secret: res.body.data.secret });
    await sync(first);
    await sync(second);
    const got = await eventually(async () => {
      const r = await received(key);
      return r.count >= 2 && r;
    });
    const integrations = bodies(got.deliveries).map((e) => e.data.integrationId);
    expect(integrations.sort()).toEqual([first, second].sort());
  });
});
