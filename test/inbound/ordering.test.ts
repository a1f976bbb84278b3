import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { platformRecords, platformRequests } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliver, deliverSeed, seedHeaders, settled, webhookIntegration, webhookRows } from "../helpers/webhooks.ts";

const stockOf = async (merchantId: string) =>
  Object.fromEntries((await platformRecords(merchantId, "inventory")).items.map((r) => [r.sku, r.stock]));

describe("concurrent duplicates", () => {
  it("takes one of ten identical deliveries sent at once; the nine others are duplicates of it and push nothing", async () => {
    const merchant = newMerchant("wh-conc");
    const { id, secret } = await webhookIntegration(merchant);
    const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "CONC-1", stock: 3 } });
    const headers = seedHeaders(secret, body);

    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(id, body, headers)));
    const taken = answers.filter((a) => a.status === 202);
    const duplicates = answers.filter((a) => a.status === 200);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    const eventId = taken[0]?.body.data.id as string;
    expect(eventId).toMatch(/^wev_/);
    for (const d of duplicates) expect(d.body.data).toEqual({ id: eventId, duplicate: true });

    const event = await settled(eventId);
    expect(event.status, JSON.stringify(event)).toBe("processed");
    expect(event.duplicates).toBe(9);
    const requests = (await platformRequests(merchant)).requests;
    expect(requests.map((r) => [r.entity, r.status])).toEqual([["inventory", 200]]);
    expect((await platformRecords(merchant, "inventory")).writes).toEqual({ "CONC-1": 1 });
    expect((await webhookRows(id)).events).toBe(1);
  });
});

describe("out-of-order stock", () => {
  it("records an older sequence arriving after a newer one as stale and leaves the newer stock", async () => {
    const merchant = newMerchant("wh-seq");
    const { id, secret } = await webhookIntegration(merchant);
    const newer = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      sequence: 2,
      data: { sku: "SEQ-1", stock: 5 },
    });
    expect(newer.status, JSON.stringify(newer.body)).toBe(202);
    expect((await settled(newer.body.data.id)).status).toBe("processed");

    const older = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      sequence: 1,
      data: { sku: "SEQ-1", stock: 9 },
    });
    expect(older.status).toBe(202);
    const stale = await settled(older.body.data.id);
    expect(stale.status, JSON.stringify(stale)).toBe("stale");
    expect(stale.outcome).toMatchObject({ items: 1, pushed: 0, stale: 1 });
    expect(await stockOf(merchant)).toEqual({ "SEQ-1": 5 });
    expect((await platformRecords(merchant, "inventory")).writes).toEqual({ "SEQ-1": 1 });
    expect((await platformRequests(merchant)).count).toBe(1);
  });

  it("orders by the signed header timestamp when the body carries no sequence", async () => {
    const merchant = newMerchant("wh-ts");
    const { id, secret } = await webhookIntegration(merchant);
    const now = Date.now();
    const newer = await deliverSeed(
      id,
      secret,
      { eventType: "inventory.changed", data: { sku: "TS-1", stock: 5 } },
      new Date(now).toISOString(),
    );
    expect(newer.status, JSON.stringify(newer.body)).toBe(202);
    expect((await settled(newer.body.data.id)).status).toBe("processed");

    const older = await deliverSeed(
      id,
      secret,
      { eventType: "inventory.changed", data: { sku: "TS-1", stock: 9 } },
      new Date(now - 60_000).toISOString(),
    );
    expect(older.status, JSON.stringify(older.body)).toBe(202);
    expect((await settled(older.body.data.id)).status).toBe("stale");
    expect(await stockOf(merchant)).toEqual({ "TS-1": 5 });

    // A newer one still goes through after the stale one.
    const newest = await deliverSeed(
      id,
      secret,
      { eventType: "inventory.changed", data: { sku: "TS-1", stock: 2 } },
      new Date(now + 1000).toISOString(),
    );
    expect((await settled(newest.body.data.id)).status).toBe("processed");
    expect(await stockOf(merchant)).toEqual({ "TS-1": 2 });
  });

  it("ends with the newest stock when an older and a newer change arrive at the same time", async () => {
    const merchant = newMerchant("wh-race");
    const { id, secret } = await webhookIntegration(merchant);
    const skus = ["R-1", "R-2", "R-3", "R-4"];
    const deliveries = skus.flatMap((sku) => [
      deliverSeed(id, secret, { eventType: "inventory.changed", sequence: 2, data: { sku, stock: 20 } }),
      deliverSeed(id, secret, { eventType: "inventory.changed", sequence: 1, data: { sku, stock: 10 } }),
    ]);
    const answers = await Promise.all(deliveries);
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(202);
    const events = await Promise.all(answers.map((a) => settled(a.body.data.id)));
    expect(await stockOf(merchant)).toEqual({ "R-1": 20, "R-2": 20, "R-3": 20, "R-4": 20 });
    // Each sku's newer change was applied; its older one either lost the race (stale) or landed first.
    for (let i = 0; i < events.length; i += 2) expect(events[i]?.status).toBe("processed");
  });

  it("keeps a stale event stale when it is replayed", async () => {
    const merchant = newMerchant("wh-replay-stale");
    const { id, secret } = await webhookIntegration(merchant);
    const newer = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      sequence: 2,
      data: { sku: "RS-1", stock: 5 },
    });
    await settled(newer.body.data.id);
    const older = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      sequence: 1,
      data: { sku: "RS-1", stock: 9 },
    });
    expect((await settled(older.body.data.id)).status).toBe("stale");
    const replay = await api("POST", `/api/events/${older.body.data.id}/replay`, { token: await admin() });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect((await settled(older.body.data.id)).status).toBe("stale");
    expect(await stockOf(merchant)).toEqual({ "RS-1": 5 });
  });

  it("treats a second delivery of the same eventId as a duplicate even when the body differs", async () => {
    const merchant = newMerchant("wh-same-id");
    const { id, secret } = await webhookIntegration(merchant);
    const first = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      eventId: "e-1",
      data: { sku: "SI-1", stock: 1 },
    });
    expect((await settled(first.body.data.id)).status).toBe("processed");
    const again = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      eventId: "e-1",
      data: { sku: "SI-1", stock: 2 },
    });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: first.body.data.id, duplicate: true });
    expect(await stockOf(merchant)).toEqual({ "SI-1": 1 });
  });

  it("applies the fresh items of a batch and leaves its stale ones alone", async () => {
    const merchant = newMerchant("wh-batch");
    const { id, secret } = await webhookIntegration(merchant);
    const first = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      sequence: 5,
      data: { sku: "B-1", stock: 1 },
    });
    expect((await settled(first.body.data.id)).status).toBe("processed");

    const batch = await deliverSeed(id, secret, {
      eventType: "inventory.changed",
      sequence: 3,
      data: [
        { sku: "B-1", stock: 40 },
        { sku: "B-2", stock: 4 },
      ],
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    const event = await settled(batch.body.data.id);
    expect(event.status, JSON.stringify(event)).toBe("processed");
    expect(event.outcome).toMatchObject({ items: 2, pushed: 1, stale: 1, rejectedCount: 0 });
    expect(await stockOf(merchant)).toEqual({ "B-1": 1, "B-2": 4 });
    expect((await platformRecords(merchant, "inventory")).writes).toEqual({ "B-1": 1, "B-2": 1 });
  });
});
