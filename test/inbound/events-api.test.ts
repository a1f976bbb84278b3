import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { platformRecords, platformRequests } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import {
  deliverSeed,
  readEvent,
  seedHeaders,
  settled,
  webhookIntegration,
  webhookRows,
  webhookView,
} from "../helpers/webhooks.ts";

/** Delivers a seed-signed event and waits until it is done with; its id. */
async function sent(id: string, secret: string, payload: Record<string, unknown>): Promise<string> {
  const res = await deliverSeed(id, secret, payload);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  if (res.body.data.status === "received") await settled(res.body.data.id);
  return res.body.data.id as string;
}

describe("the events API", () => {
  it("lists an integration's events newest first, by status and by type, a page at a time", async () => {
    const m = newMerchant("wh-list");
    const { id, secret } = await webhookIntegration(m);
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++)
      ids.push(await sent(id, secret, { eventType: "inventory.changed", data: { sku: `L-${i}`, stock: i } }));
    ids.push(await sent(id, secret, { eventType: "customer.created", data: { code: "C-1" } }));
    ids.push(await sent(id, secret, { eventType: "price.changed", data: { sku: "L-1" } }));
    const token = await admin();
    const list = (query: string) => api("GET", `/api/integrations/${id}/events?${query}`, { token });

    const all = await list("limit=50");
    expect(all.status).toBe(200);
    expect(all.body.data.map((e: { id: string }) => e.id)).toEqual([...ids].reverse());
    expect(all.body.data.map((e: { status: string }) => e.status)).toEqual([
      "rejected",
      "unsupported",
      "processed",
      "processed",
      "processed",
    ]);
    // A list shows no payload; the event itself does.
    expect(all.body.data[0]).not.toHaveProperty("payload");
    expect((await api("GET", `/api/events/${ids[4]}`, { token })).body.data).toMatchObject({
      status: "rejected",
      payload: { eventType: "price.changed", data: { sku: "L-1" } },
      outcome: { rejectedCount: 1 },
    });

    const processed = await list("status=processed");
    expect(processed.body.data.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 3).reverse());
    expect(processed.body.pagination).toMatchObject({ total: 3 });
    const prices = await list("type=price.changed");
    expect(prices.body.data.map((e: { id: string }) => e.id)).toEqual([ids[4]]);
    expect((await list("status=processed&type=price.changed")).body.data).toEqual([]);

    const pages = [await list("limit=2&page=1"), await list("limit=2&page=2"), await list("limit=2&page=3")];
    expect(pages.map((p) => p.body.data.map((e: { id: string }) => e.id))).toEqual([
      [ids[4], ids[3]],
      [ids[2], ids[1]],
      [ids[0]],
    ]);
    expect(pages[0]?.body.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3 });

    const bad = await list("status=lost");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_ERROR");
  });

  it("answers another merchant 404 for the integration's events, webhook and refusals, and for an event", async () => {
    const owner = newMerchant("wh-tenant");
    const { id, secret } = await webhookIntegration(owner);
    const eventId = await sent(id, secret, { eventType: "inventory.changed", data: { sku: "T-1", stock: 1 } });
    const before = await readEvent(eventId);
    const stranger = await merchant(newMerchant("wh-stranger"));

    const asked = [
      await api("GET", `/api/integrations/${id}/events`, { token: stranger }),
      await api("GET", `/api/events/${eventId}`, { token: stranger }),
      await api("POST", `/api/events/${eventId}/replay`, { token: stranger }),
      await api("GET", `/api/integrations/${id}/webhook`, { token: stranger }),
      await api("GET", `/api/integrations/${id}/webhook/refusals`, { token: stranger }),
      await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, { token: stranger }),
    ];
    for (const res of asked) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
      expect(JSON.stringify(res.body)).not.toContain("T-1");
    }
    // Exactly as for an event that does not exist.
    const missing = await api("GET", `/api/events/${eventId.slice(0, -4)}ZZZZ`, { token: stranger });
    expect(missing.status).toBe(404);
    expect(await readEvent(eventId)).toEqual(before);
    expect((await webhookView(id)).secrets).toHaveLength(1);

    // The owner sees them.
    const own = await merchant(owner);
    expect((await api("GET", `/api/integrations/${id}/events`, { token: own })).body.data).toHaveLength(1);
    expect((await api("GET", `/api/events/${eventId}`, { token: own })).status).toBe(200);
  });

  it("lets a viewer read events but not replay them (403), and the event is left as it was", async () => {
    const m = newMerchant("wh-viewer");
    const { id, secret } = await webhookIntegration(m);
    const eventId = await sent(id, secret, { eventType: "inventory.changed", data: { sku: "V-1", stock: 1 } });
    const before = await readEvent(eventId);
    const token = await viewer(m);
    expect((await api("GET", `/api/events/${eventId}`, { token })).status).toBe(200);
    const res = await api("POST", `/api/events/${eventId}/replay`, { token });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
    expect(await readEvent(eventId)).toEqual(before);
  });

  it("replays a rejected event once the integration's own mapping fits it: processed, and the change reaches the platform", async () => {
    const m = newMerchant("wh-replay");
    const { id, secret } = await webhookIntegration(m);
    const token = await admin();
    // The sender uses the ERP's names, which the event mapping does not know.
    const eventId = await sent(id, secret, { eventType: "inventory.changed", data: { code: "R-1", qty: 6 } });
    const rejected = await readEvent(eventId);
    expect(rejected.status, JSON.stringify(rejected)).toBe("rejected");
    expect(rejected.outcome).toMatchObject({ rejectedCount: 1, pushed: 0 });
    expect((await platformRequests(m)).count).toBe(0);

    const mapping = await api("PUT", `/api/integrations/${id}/mappings`, {
      token,
      body: {
        mappings: [
          { sourceField: "code", targetField: "inventory.sku", transformation: "trim", required: true },
          { sourceField: "qty", targetField: "inventory.stock", transformation: "parseDecimal", required: true },
        ],
      },
    });
    expect(mapping.status, JSON.stringify(mapping.body)).toBe(200);
    const patched = await api("PATCH", `/api/integrations/${id}`, {
      token,
      body: { settings: { webhook: { mapping: "integration" } } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const replay = await api("POST", `/api/events/${eventId}/replay`, { token });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body.data).toMatchObject({ id: eventId, status: "received" });
    const done = await settled(eventId);
    expect(done.status, JSON.stringify(done)).toBe("processed");
    expect(done.outcome).toMatchObject({ pushed: 1, rejectedCount: 0 });
    expect((await platformRecords(m, "inventory")).items).toEqual([expect.objectContaining({ sku: "R-1", stock: 6 })]);

    // Replayed again, nothing changed since: processed, nothing pushed.
    const pushes = (await platformRequests(m)).count;
    expect((await api("POST", `/api/events/${eventId}/replay`, { token })).status).toBe(202);
    const again = await settled(eventId);
    expect(again.status).toBe("processed");
    expect(again.outcome).toMatchObject({ pushed: 0, unchanged: 1 });
    expect((await platformRequests(m)).count).toBe(pushes);
  });
});

describe("replaying at once", () => {
  it("queues one of three simultaneous replays of an event and answers the others 409", async () => {
    const m = newMerchant("wh-replay-race");
    const { id, secret } = await webhookIntegration(m);
    const eventId = await sent(id, secret, { eventType: "inventory.changed", data: { sku: "RR-1", stock: 3 } });
    const token = await admin();
    const answers = await Promise.all([1, 2, 3].map(() => api("POST", `/api/events/${eventId}/replay`, { token })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    for (const a of answers.filter((r) => r.status === 409)) expect(a.body.code).toBe("CONFLICT");
    expect((await settled(eventId)).status).toBe("processed");
    expect((await platformRecords(m, "inventory")).writes).toEqual({ "RR-1": 1 });
  });
});

describe("deleting an integration", () => {
  it("deletes its webhook events, refusals, secrets and item versions; its endpoint then answers as unknown", async () => {
    const m = newMerchant("wh-delete");
    const { id, secret } = await webhookIntegration(m);
    await sent(id, secret, { eventType: "inventory.changed", data: { sku: "D-1", stock: 1 } });
    const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "D-1", stock: 2 } });
    const forged = seedHeaders("whsec_wrong", body);
    const refused = await api("POST", `/webhooks/${id}`, { rawBody: body, headers: forged });
    expect(refused.status).toBe(401);
    await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, { token: await admin() });
    expect(await webhookRows(id)).toEqual({ events: 1, refusals: 1, secrets: 2, itemVersions: 1 });

    const deleted = await api("DELETE", `/api/integrations/${id}`, { token: await admin() });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(await webhookRows(id)).toEqual({ events: 0, refusals: 0, secrets: 0, itemVersions: 0 });

    const after = await api("POST", `/webhooks/${id}`, { rawBody: body, headers: seedHeaders(secret, body) });
    expect({ status: after.status, code: after.body.code, error: after.body.error }).toEqual({
      status: refused.status,
      code: refused.body.code,
      error: refused.body.error,
    });
    expect(await webhookRows(id)).toEqual({ events: 0, refusals: 0, secrets: 0, itemVersions: 0 });
  });
});
