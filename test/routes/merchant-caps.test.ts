import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { enqueueDueSyncs } from "../../src/sync/schedule.ts";
import { api, bodies } from "../helpers/api.ts";
import { admin, merchant } from "../helpers/auth.ts";
import { countOf } from "../helpers/db.ts";
import { netsisIntegration, orderSettled } from "../helpers/integrations.ts";
import { newTenant } from "../helpers/netsis.ts";
import { newMerchant } from "../helpers/unique.ts";

const HOUR = 3_600_000;
const caps = { MAX_INTEGRATIONS_PER_MERCHANT: "3", MAX_ACTIVE_RUNS_PER_MERCHANT: "2" };

const integrationsOf = (merchantId: string) =>
  countOf("SELECT count(*) AS n FROM integrations WHERE merchant_id = ?", merchantId);

async function createCapped(merchantId: string, name: string) {
  return api("POST", "/api/integrations", {
    token: await merchant(merchantId),
    body: bodies.csv(undefined, name),
    env: caps,
  });
}

async function triggerCapped(id: string, merchantId: string) {
  // Delayed an hour, so that the run stays queued while the test looks.
  return api("POST", `/api/integrations/${id}/sync`, {
    token: await merchant(merchantId),
    body: { type: "products", delay: HOUR, priority: 5 },
    env: caps,
  });
}

describe("integrations per merchant", () => {
  it("refuses the integration past the cap with 409 QUOTA_EXCEEDED, and stores nothing of it", async () => {
    const merchantId = newMerchant("cap-int");
    for (const name of ["one", "two", "three"]) expect((await createCapped(merchantId, name)).status).toBe(201);
    const refused = await createCapped(merchantId, "four");
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ success: false, code: "QUOTA_EXCEEDED" });
    expect(refused.body.error).toBe(
      `Merchant ${merchantId} already has 3 integrations, the most allowed (MAX_INTEGRATIONS_PER_MERCHANT); delete one or ask an operator to raise the cap`,
    );
    expect(await integrationsOf(merchantId)).toBe(3);
    const audited = await countOf(
      "SELECT count(*) AS n FROM audit_log WHERE merchant_id = ? AND action = 'integration.created'",
      merchantId,
    );
    expect(audited).toBe(3);
    // Another merchant has its own cap.
    expect((await createCapped(newMerchant("cap-other"), "one")).status).toBe(201);
  });

  it("holds the cap when many creates race", async () => {
    const merchantId = newMerchant("cap-race");
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createCapped(merchantId, `race-${i}`).then((r) => r.status)),
    );
    expect(answers.filter((s) => s === 201)).toHaveLength(3);
    expect(answers.filter((s) => s === 409)).toHaveLength(9);
    expect(await integrationsOf(merchantId)).toBe(3);
  });
});

describe("active runs per merchant", () => {
  it("answers 429 with Retry-After past the cap, starts nothing, and still coalesces onto an active run", async () => {
    const merchantId = newMerchant("cap-runs");
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) ids.push((await createCapped(merchantId, name)).body.data.id);
    const [a, b, c] = ids as [string, string, string];
    expect((await triggerCapped(a, merchantId)).status).toBe(202);
    expect((await triggerCapped(b, merchantId)).status).toBe(202);

    const refused = await triggerCapped(c, merchantId);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("30");
    expect(refused.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
    expect(refused.body.error).toContain("already has 2 sync runs queued or running (MAX_ACTIVE_RUNS_PER_MERCHANT)");
    expect(await countOf("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?", c)).toBe(0);

    const again = await triggerCapped(a, merchantId);
    expect(again.status).toBe(202);
    expect(again.body.data.coalesced).toBe(true);

    // Another merchant is not held back by this one's runs.
    const other = newMerchant("cap-runs-other");
    const otherId = (await createCapped(other, "x")).body.data.id;
    expect((await triggerCapped(otherId, other)).status).toBe(202);
  });

  it("skips a scheduled sync of a merchant at its cap and tries it again at the next minute", async () => {
    const merchantId = newMerchant("cap-cron");
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) ids.push((await createCapped(merchantId, name)).body.data.id);
    const [a, b, c] = ids as [string, string, string];
    expect((await triggerCapped(a, merchantId)).status).toBe(202);
    expect((await triggerCapped(b, merchantId)).status).toBe(202);
    // Only c is due (of every integration this file made).
    await env.DB.prepare("UPDATE integrations SET next_sync_at = ? WHERE id != ?")
      .bind(Date.now() + HOUR, c)
      .run();

    const now = Date.now();
    const counts = await enqueueDueSyncs({ ...env, ...caps } as Env, getDb(env), now, createLogger("error"));
    expect(counts).toMatchObject({ started: 0, busy: 1 });
    expect(await countOf("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?", c)).toBe(0);
    const next = await countOf("SELECT next_sync_at AS n FROM integrations WHERE id = ?", c);
    expect(next).toBe(now + 60_000);
  });
});

describe("orders ahead of syncs", () => {
  it("sends an order export to the orders queue, never behind the sync queues", async () => {
    const merchantId = newMerchant("cap-order");
    const id = await netsisIntegration(merchantId, newTenant("cap-order"));
    const sent: string[] = [];
    const watch = (name: string, queue: Queue) => ({
      send: (body: unknown, options?: QueueSendOptions) => {
        sent.push(name);
        return queue.send(body, options);
      },
      sendBatch: queue.sendBatch.bind(queue),
    });
    const res = await api("POST", `/api/integrations/${id}/orders`, {
      token: await admin(),
      body: {
        orderNumber: "CAP-1",
        customerCode: "120.01.001",
        currency: "TRY",
        createdAt: "2026-11-28T09:30:00Z",
        lines: [{ sku: "NT-000001", quantity: 1, unitPrice: 10, vatRate: 20 }],
      },
      env: {
        SYNC_QUEUE: watch("sync", env.SYNC_QUEUE),
        SYNC_QUEUE_PRIORITY: watch("priority", env.SYNC_QUEUE_PRIORITY),
        ORDER_QUEUE: watch("orders", env.ORDER_QUEUE),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(sent).toEqual(["orders"]);
    expect(await orderSettled(res.body.data.order.id)).toMatchObject({ status: "exported" });
  });
});
