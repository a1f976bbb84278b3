import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.ts";
import worker from "../../src/index.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { platformRecords, platformRequests, setPlatformFaults } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliverSeed, readEvent, settled, webhookIntegration } from "../helpers/webhooks.ts";

const MINUTE = 60_000;

describe("a platform that fails", () => {
  it("retries an event while the platform answers 503, and it ends processed once the platform recovers", async () => {
    const m = newMerchant("wh-503");
    const { id, secret } = await webhookIntegration(m);
    await setPlatformFaults(m, { failNext: 2, failStatus: 503 });
    const res = await deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: "F-1", stock: 5 } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    const event = await settled(res.body.data.id);
    expect(event.status, JSON.stringify(event)).toBe("processed");
    expect(event.error).toBeNull();
    expect(event.outcome).toMatchObject({ pushed: 1 });
    const requests = (await platformRequests(m)).requests;
    expect(requests.map((r) => r.status)).toEqual([503, 503, 200]);
    // One change, one key: the retries sent the same request.
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect((await platformRecords(m, "inventory")).writes).toEqual({ "F-1": 1 });
  });

  it("fails an event the platform refuses with a 400, with the reason, and replays it once the fault is gone", async () => {
    const m = newMerchant("wh-400");
    const { id, secret } = await webhookIntegration(m);
    await setPlatformFaults(m, { failNext: 1, failStatus: 400 });
    const res = await deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: "F-2", stock: 7 } });
    expect(res.status).toBe(202);
    const eventId = res.body.data.id as string;

    const failed = await settled(eventId);
    expect(failed.status, JSON.stringify(failed)).toBe("failed");
    expect(failed.error).toMatch(/400/);
    expect((await platformRequests(m)).requests.map((r) => r.status)).toEqual([400]);
    expect((await platformRecords(m, "inventory")).count).toBe(0);

    await setPlatformFaults(m, {});
    const replay = await api("POST", `/api/events/${eventId}/replay`, { token: await admin() });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    const done = await settled(eventId);
    expect(done.status, JSON.stringify(done)).toBe("processed");
    expect(done.error).toBeNull();
    expect((await platformRecords(m, "inventory")).items).toEqual([expect.objectContaining({ sku: "F-2", stock: 7 })]);
  });
});

describe("a platform that stays down", () => {
  it("fails the event with a dead letter once its retries are spent; the dead letter's replay applies it", async () => {
    const m = newMerchant("wh-dead");
    const { id, secret } = await webhookIntegration(m);
    await setPlatformFaults(m, { failNext: 1000, failStatus: 503 });
    const res = await deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: "F-3", stock: 8 } });
    expect(res.status).toBe(202);
    const eventId = res.body.data.id as string;
    const dead = await settled(eventId);
    expect(dead.status, JSON.stringify(dead)).toBe("failed");
    expect(dead.error).toMatch(/503/);
    expect((await platformRecords(m, "inventory")).count).toBe(0);

    const token = await admin();
    const letters = await api("GET", `/api/dead-letters?integrationId=${id}`, { token });
    expect(letters.body.data).toEqual([
      expect.objectContaining({
        message: expect.objectContaining({ kind: "inbound.event", eventId }),
        status: "pending",
      }),
    ]);
    await setPlatformFaults(m, {});
    const replayed = await api("POST", `/api/dead-letters/${letters.body.data[0].id}/replay`, { token });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
    const done = await settled(eventId);
    expect(done.status, JSON.stringify(done)).toBe("processed");
    expect((await platformRecords(m, "inventory")).items).toEqual([expect.objectContaining({ sku: "F-3", stock: 8 })]);
  });
});

describe("a dead event replayed through the events API", () => {
  it("settles its dead letter too, so that the letter is not left pending to be replayed a second time", async () => {
    const m = newMerchant("wh-dead-api");
    const { id, secret } = await webhookIntegration(m);
    await setPlatformFaults(m, { failNext: 1000, failStatus: 503 });
    const res = await deliverSeed(id, secret, { eventType: "inventory.changed", data: { sku: "F-4", stock: 4 } });
    const eventId = res.body.data.id as string;
    expect((await settled(eventId)).status).toBe("failed");
    const token = await admin();
    const pending = await api("GET", `/api/dead-letters?integrationId=${id}&status=pending`, { token });
    expect(pending.body.data).toHaveLength(1);

    await setPlatformFaults(m, {});
    expect((await api("POST", `/api/events/${eventId}/replay`, { token })).status).toBe(202);
    expect((await settled(eventId)).status).toBe("processed");
    const letters = await api("GET", `/api/dead-letters?integrationId=${id}`, { token });
    expect(letters.body.data).toEqual([expect.objectContaining({ status: "replayed" })]);
    const again = await api("POST", `/api/dead-letters/${letters.body.data[0].id}/replay`, { token });
    expect(again.status).toBe(409);
    expect((await platformRecords(m, "inventory")).writes).toEqual({ "F-4": 1 });
  });
});

describe("the minute cron", () => {
  /** An event left `received`, last touched `ago` ms ago, written to D1 directly (its job lost). */
  async function leftReceived(integrationId: string, merchantId: string, sku: string, ago: number) {
    const at = Date.now() - ago;
    const id = newId("wev", at);
    const payload = { eventType: "inventory.changed", data: { sku, stock: 12 } };
    await env.DB.prepare(
      `INSERT INTO webhook_events (id, integration_id, merchant_id, external_id, type, status, version, payload,
         attempts, duplicates, received_at, updated_at)
       VALUES (?, ?, ?, ?, 'inventory.changed', 'received', ?, ?, 0, 0, ?, ?)`,
    )
      .bind(id, integrationId, merchantId, `stuck-${id}`, at, JSON.stringify(payload), at, at)
      .run();
    return id;
  }

  const updatedAt = async (id: string) =>
    (await env.DB.prepare("SELECT updated_at AS t FROM webhook_events WHERE id = ?").bind(id).first<{ t: number }>())
      ?.t;

  it("queues an event stuck in received for 30 minutes, and it gets processed; a recent one is left to its job", async () => {
    const m = newMerchant("wh-stuck");
    const { id } = await webhookIntegration(m);
    const stuck = await leftReceived(id, m, "STUCK-1", 30 * MINUTE);
    const recent = await leftReceived(id, m, "RECENT-1", 5 * MINUTE);
    const recentAt = await updatedAt(recent);

    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);

    const event = await settled(stuck);
    expect(event.status, JSON.stringify(event)).toBe("processed");
    expect((await platformRecords(m, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "STUCK-1", stock: 12 }),
    ]);
    expect((await readEvent(recent)).status).toBe("received");
    expect(await updatedAt(recent)).toBe(recentAt);
  });
});
