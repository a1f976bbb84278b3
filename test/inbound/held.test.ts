import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.ts";
import { guardOf } from "../../src/guard/client.ts";
import { guardConfig } from "../../src/guard/config.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { eventually } from "../helpers/eventually.ts";
import { platformRecords, platformRequests } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliverSeed, settled, stored, webhookIntegration, webhookRows } from "../helpers/webhooks.ts";

/**
 * The receiver answers once the integration's guard has deduplicated the event and holds it in
 * its own storage; the guard writes what it holds to D1 in batches and queues it. These tests
 * show that nothing taken is lost or doubled on the way. (A D1 outage while events are held is
 * in held-outage.test.ts, which needs a database of its own.)
 */
describe("events held by the guard", () => {
  async function held(integrationId: string) {
    const res = await api("GET", `/api/integrations/${integrationId}/circuit`, { token: await admin() });
    expect(res.status).toBe(200);
    return res.body.data.heldWebhookEvents as number;
  }

  it("stores and applies each of 30 events sent at once exactly once, and then holds nothing", async () => {
    const merchant = newMerchant("wh-held-burst");
    const { id, secret } = await webhookIntegration(merchant);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: `BURST-${i}`, stock: i } }),
      ),
    );
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(202);
    const ids = answers.map((res) => res.body.data.id as string);
    expect(new Set(ids).size).toBe(30);
    for (const eventId of ids) expect((await settled(eventId)).status).toBe("processed");
    expect((await webhookRows(id)).events).toBe(30);
    const skus = (await platformRecords(merchant, "inventory")).items.map((item) => String(item.sku));
    expect(skus.sort()).toEqual(ids.map((_, i) => `BURST-${i}`).sort());
    expect(await held(id)).toBe(0);
  });

  it("counts a redelivery from after the guard's dedupe window on the stored event, and stores and pushes nothing new", async () => {
    const merchant = newMerchant("wh-held-late");
    const { id, secret } = await webhookIntegration(merchant);
    const payload = { eventId: "evt-late-1", eventType: "inventory.changed", data: { sku: "LATE-1", stock: 3 } };
    const first = await deliverSeed(id, secret, payload);
    expect(first.status).toBe(202);
    expect((await settled(first.body.data.id)).status).toBe("processed");
    const pushes = (await platformRequests(merchant)).count;

    // As if 72 hours had passed: the guard no longer remembers the id, D1 still has the event.
    await guardOf(env, id).forget("evt-late-1", first.body.data.id);
    const late = await deliverSeed(id, secret, payload);
    expect(late.status, JSON.stringify(late.body)).toBe(202);
    expect(late.body.data.id).not.toBe(first.body.data.id);

    const original = await eventually(async () => {
      const event = await stored(first.body.data.id);
      return event.duplicates === 1 && event;
    });
    expect(original.status).toBe("processed");
    await eventually(async () => (await held(id)) === 0);
    expect((await api("GET", `/api/events/${late.body.data.id}`, { token: await admin() })).status).toBe(404);
    expect((await webhookRows(id)).events).toBe(1);
    expect((await platformRequests(merchant)).count).toBe(pushes);
  });

  it("counts a duplicate that arrives while the first delivery is still held", async () => {
    const merchant = newMerchant("wh-held-dup");
    const { id, secret } = await webhookIntegration(merchant);
    const payload = { eventId: "evt-held-dup", eventType: "inventory.changed", data: { sku: "DUP-1", stock: 1 } };
    const guard = guardOf(env, id);
    const heldId = newId("wev");
    // Taken straight by the guard, then delivered again at once: the copy finds it held.
    const config = guardConfig({ id, merchantId: merchant, settings: {} });
    const taken = await guard.receive(config, {
      id: heldId,
      integrationId: id,
      merchantId: merchant,
      externalId: "evt-held-dup",
      type: "inventory.changed",
      status: "received",
      version: Date.now(),
      payload,
      error: null,
      receivedAt: Date.now(),
    });
    expect(taken).toEqual({ first: true });
    const again = await deliverSeed(id, secret, payload);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: heldId, duplicate: true });
    const event = await settled(heldId);
    expect(event).toMatchObject({ status: "processed", duplicates: 1 });
  });

  it("drops what it holds for an integration deleted before the write, leaving no orphaned event", async () => {
    const gone = newId("int");
    const guard = guardOf(env, gone);
    const config = guardConfig({ id: gone, merchantId: "m-gone", settings: {} });
    const eventId = newId("wev");
    const taken = await guard.receive(config, {
      id: eventId,
      integrationId: gone,
      merchantId: "m-gone",
      externalId: "evt-gone",
      type: "inventory.changed",
      status: "received",
      version: Date.now(),
      payload: { eventType: "inventory.changed", data: { sku: "GONE-1", stock: 1 } },
      error: null,
      receivedAt: Date.now(),
    });
    expect(taken).toEqual({ first: true });
    await eventually(async () => (await guard.status(config)).heldWebhookEvents === 0);
    expect((await webhookRows(gone)).events).toBe(0);
  });
});
