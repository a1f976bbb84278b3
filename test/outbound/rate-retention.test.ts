import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requireConfig } from "../../src/config.ts";
import { getDb } from "../../src/db/client.ts";
import { newId } from "../../src/db/ids.ts";
import type { SubscriptionRow } from "../../src/db/schema.ts";
import { deliverySlot } from "../../src/outbound/rate.ts";
import { purgeDeliveryLog } from "../../src/outbound/retention.ts";

const subscription = (id: string): SubscriptionRow => ({
  id,
  merchantId: "m-rate",
  integrationId: null,
  url: "https://hooks.example.com/in",
  events: ["*"],
  description: null,
  status: "active",
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
  lastSuccessAt: null,
  createdAt: new Date(),
  updatedAt: new Date(),
});

describe("a subscription's delivery rate", () => {
  it("grants DELIVERY_RATE_PER_SECOND slots at once, then says how long to wait; another subscription has its own", async () => {
    const base = await requireConfig(env);
    const config = { ...base, outbound: { ...base.outbound, ratePerSecond: 2 } };
    const sub = subscription(newId("sub"));
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push(await deliverySlot(env, config, sub));
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(0);
    expect(waits[2]).toBeLessThanOrEqual(1000);
    expect(await deliverySlot(env, config, subscription(newId("sub")))).toBe(0);
  });
});

describe("the delivery log's retention", () => {
  it("deletes attempts older than the retention and old succeeded deliveries, and keeps held, pending and exhausted ones", async () => {
    const now = Date.now();
    const old = now - 31 * 86_400_000;
    const sub = newId("sub");
    const insert = (id: string, status: string, at: number) =>
      env.DB.prepare(
        `INSERT INTO deliveries (id, subscription_id, event_id, merchant_id, event_type, status, attempts, created_at, updated_at)
         VALUES (?, ?, ?, 'm-ret', 'sync.completed', ?, 1, ?, ?)`,
      )
        .bind(id, sub, newId("evt"), status, at, at)
        .run();
    const kept = ["held", "pending", "exhausted"].map((s) => ({ id: newId("dlv"), s }));
    const gone = newId("dlv");
    const fresh = newId("dlv");
    for (const k of kept) await insert(k.id, k.s, old);
    await insert(gone, "succeeded", old);
    await insert(fresh, "succeeded", now);
    for (const [deliveryId, at] of [
      [gone, old],
      [fresh, now],
    ] as const) {
      await env.DB.prepare(
        "INSERT INTO delivery_attempts (id, delivery_id, subscription_id, at, trigger, status_code, latency_ms) VALUES (?, ?, ?, ?, 'scheduled', 200, 5)",
      )
        .bind(newId("att"), deliveryId, sub, at)
        .run();
    }
    await purgeDeliveryLog(getDb(env), 30, now);
    const left = await env.DB.prepare("SELECT id FROM deliveries WHERE subscription_id = ? ORDER BY id")
      .bind(sub)
      .all<{ id: string }>();
    expect(left.results.map((r) => r.id).sort()).toEqual([...kept.map((k) => k.id), fresh].sort());
    const attempts = await env.DB.prepare("SELECT delivery_id AS d FROM delivery_attempts WHERE subscription_id = ?")
      .bind(sub)
      .all<{ d: string }>();
    expect(attempts.results).toEqual([{ d: fresh }]);
  });

  it("deletes old fanned-out outbox events, but keeps those a held delivery still needs and those not yet fanned out", async () => {
    const now = Date.now();
    const old = now - 31 * 86_400_000;
    const event = (id: string, dispatched: boolean) =>
      env.DB.prepare(
        "INSERT INTO integration_events (id, integration_id, merchant_id, type, payload, created_at, dispatched_at) VALUES (?, 'int_x', 'm-ret2', 'sync.completed', '{}', ?, ?)",
      )
        .bind(id, old, dispatched ? old : null)
        .run();
    const [done, needed, waiting] = [newId("evt"), newId("evt"), newId("evt")];
    await event(done, true);
    await event(needed, true);
    await event(waiting, false);
    await env.DB.prepare(
      `INSERT INTO deliveries (id, subscription_id, event_id, merchant_id, event_type, status, attempts, created_at, updated_at)
       VALUES (?, ?, ?, 'm-ret2', 'sync.completed', 'held', 0, ?, ?)`,
    )
      .bind(newId("dlv"), newId("sub"), needed, old, old)
      .run();
    await purgeDeliveryLog(getDb(env), 30, now);
    const left = await env.DB.prepare("SELECT id FROM integration_events WHERE merchant_id = 'm-ret2'").all<{
      id: string;
    }>();
    expect(left.results.map((r) => r.id).sort()).toEqual([needed, waiting].sort());
  });
});
