import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signalsOf } from "../../src/alerts/signals.ts";
import { getDb } from "../../src/db/client.ts";
import { newId } from "../../src/db/ids.ts";
import { deliveries, type RunStatus, syncRuns, webhookSubscriptions } from "../../src/db/schema.ts";
import { findIntegration } from "../../src/integrations/store.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { newMerchant } from "../helpers/unique.ts";

const HOUR = 3_600_000;
const noFreshness = async () => ({ p50Seconds: null, p95Seconds: null, samples: 0 });

async function integration(label: string) {
  const merchantId = newMerchant(label);
  const id = await csvIntegration(merchantId);
  const row = await findIntegration(getDb(env), id);
  if (!row) throw new Error("no integration");
  return row;
}

describe("the signals of one integration", () => {
  it("count the runs created in the window that finished, and the failed and dead ones among them", async () => {
    const row = await integration("sg-runs");
    const db = getDb(env);
    const now = Date.now();
    const run = (status: RunStatus, type: "products" | "inventory" | "prices" | "full", at: number) =>
      db.insert(syncRuns).values({
        id: newId("run", at),
        integrationId: row.id,
        merchantId: row.merchantId,
        type,
        trigger: "manual",
        status,
        streams: [],
        entities: [],
        rejectedSample: [],
        createdAt: new Date(at),
        updatedAt: new Date(at),
      });
    await run("succeeded", "products", now - 10 * 60_000);
    await run("partial", "products", now - 9 * 60_000);
    await run("failed", "products", now - 8 * 60_000);
    await run("dead", "products", now - 7 * 60_000);
    await run("failed", "products", now - 2 * HOUR); // outside the window
    await run("queued", "inventory", now - 60_000); // not finished: counted as queued
    const s = await signalsOf({ env, db, freshness: noFreshness }, row, undefined, now, HOUR);
    expect(s).toMatchObject({
      runs: { finished: 4, failed: 2 },
      queued: 1,
      health: null,
      circuit: "closed",
      freshnessP95Seconds: null,
      failedDeliveries: 0,
    });
  });

  it("count the integration's outgoing deliveries exhausted or failing in the window, not succeeded or other integrations'", async () => {
    const row = await integration("sg-dlv");
    const db = getDb(env);
    const now = Date.now();
    const subscriptionId = newId("sub");
    await db.insert(webhookSubscriptions).values({
      id: subscriptionId,
      merchantId: row.merchantId,
      integrationId: null,
      url: "https://sims.test/receiver/x",
      events: ["sync.completed"],
      status: "active",
      createdAt: new Date(now),
      updatedAt: new Date(now),
    });
    const delivery = (
      status: "pending" | "succeeded" | "exhausted",
      attempts: number,
      integrationId: string,
      at = now,
    ) =>
      db.insert(deliveries).values({
        id: newId("dlv"),
        subscriptionId,
        eventId: newId("evt"),
        merchantId: row.merchantId,
        integrationId,
        eventType: "sync.completed",
        status,
        attempts,
        createdAt: new Date(at),
        updatedAt: new Date(at),
      });
    await delivery("exhausted", 8, row.id);
    await delivery("pending", 2, row.id);
    await delivery("pending", 0, row.id); // not tried yet
    await delivery("succeeded", 3, row.id);
    await delivery("exhausted", 8, row.id, now - 2 * HOUR);
    await delivery("exhausted", 8, newId("int"));
    const s = await signalsOf(
      { env, db, freshness: async () => ({ p50Seconds: 10, p95Seconds: 42, samples: 3 }) },
      row,
      undefined,
      now,
      HOUR,
    );
    expect(s.failedDeliveries).toBe(2);
    expect(s.freshnessP95Seconds).toBe(42);
  });
});
