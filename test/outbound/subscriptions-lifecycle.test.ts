import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client.ts";
import { newId } from "../../src/db/ids.ts";
import { deliveries, deliveryAttempts } from "../../src/db/schema.ts";
import { deleteSubscriptionsOf, MAX_SUBSCRIPTIONS_PER_MERCHANT } from "../../src/outbound/subscriptions/lifecycle.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { countOf } from "../helpers/db.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import {
  HOOK_URL,
  merchantWide,
  register,
  registered,
  storedSecrets,
  subscriptionRow,
} from "../helpers/subscriptions.ts";
import { newMerchant } from "../helpers/unique.ts";

/** A delivery of `subscriptionId` with one attempt, as the delivery job would leave it. */
async function deliveryOf(subscriptionId: string, merchantId: string, integrationId: string | null) {
  const db = getDb(env);
  const now = new Date();
  const id = newId("dlv");
  await db.batch([
    db.insert(deliveries).values({
      id,
      subscriptionId,
      eventId: newId("evt"),
      merchantId,
      integrationId,
      eventType: "inventory.changed",
      status: "pending",
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(deliveryAttempts).values({
      id: newId("dat"),
      deliveryId: id,
      subscriptionId,
      at: now,
      trigger: "scheduled",
      statusCode: 503,
      errorClass: "http",
      latencyMs: 12,
    }),
  ]);
}

const deliveriesOf = (subscriptionId: string) =>
  countOf(
    "SELECT (SELECT count(*) FROM deliveries WHERE subscription_id = ?1) + (SELECT count(*) FROM delivery_attempts WHERE subscription_id = ?1) AS n",
    subscriptionId,
  );

describe("deleteSubscriptionsOf: the statements for an integration's deletion", () => {
  it("delete the integration's subscriptions with their secrets and deliveries, and keep merchant-wide ones", async () => {
    const m = newMerchant("subs-del");
    const [a, b] = [await csvIntegration(m, { name: "a" }), await csvIntegration(m, { name: "b" })];
    const onA = await registered(a);
    const onB = await registered(b);
    const wide = await merchantWide(m);
    for (const [sub, integrationId] of [
      [onA.id, a],
      [onB.id, b],
      [wide.id, a],
    ] as const) {
      await deliveryOf(sub, m, integrationId);
    }

    const db = getDb(env);
    await db.batch([...deleteSubscriptionsOf(db, a)]);

    expect(await subscriptionRow(onA.id)).toBeNull();
    expect(await storedSecrets(onA.id)).toEqual([]);
    expect(await deliveriesOf(onA.id)).toBe(0);
    for (const kept of [onB.id, wide.id]) {
      expect(await subscriptionRow(kept)).not.toBeNull();
      expect(await storedSecrets(kept)).toHaveLength(1);
      expect(await deliveriesOf(kept)).toBe(2);
    }
  });

  it("deleting a subscription through the API takes its delivery log with it", async () => {
    const m = newMerchant("subs-del");
    const sub = await registered(await csvIntegration(m));
    await deliveryOf(sub.id, m, sub.integrationId);
    expect((await api("DELETE", `/api/subscriptions/${sub.id}`, { token: await admin() })).status).toBe(200);
    expect(await deliveriesOf(sub.id)).toBe(0);
  });
});

describe("the per-merchant cap", () => {
  it(`refuses the subscription after ${MAX_SUBSCRIPTIONS_PER_MERCHANT} with QUOTA_EXCEEDED, storing nothing`, async () => {
    const m = newMerchant("subs-cap");
    const integrationId = await csvIntegration(m);
    const now = Date.now();
    const rows = Array.from({ length: MAX_SUBSCRIPTIONS_PER_MERCHANT }, () =>
      env.DB.prepare(
        "INSERT INTO webhook_subscriptions (id, merchant_id, integration_id, url, events, status, created_at, updated_at) VALUES (?, ?, NULL, ?, '[\"*\"]', 'active', ?, ?)",
      ).bind(newId("sub"), m, HOOK_URL, now, now),
    );
    await env.DB.batch(rows);
    const res = await register(integrationId, { url: HOOK_URL, events: ["*"] });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe("QUOTA_EXCEEDED");
    const count = (sql: string) => countOf(sql, m);
    expect(await count("SELECT count(*) AS n FROM webhook_subscriptions WHERE merchant_id = ?")).toBe(
      MAX_SUBSCRIPTIONS_PER_MERCHANT,
    );
  });
});
