import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { newMerchant } from "../helpers/unique.ts";
import { seedHeaders, settled, webhookIntegration } from "../helpers/webhooks.ts";

/** The receiver cache on, as deployed (the suite turns it off so that each test sees its writes at once). */
const cached = { WEBHOOK_CACHE_SECONDS: "10" };

const deliverCached = (id: string, secret: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  return api("POST", `/webhooks/${id}`, { rawBody: body, headers: seedHeaders(secret, body), env: cached });
};

describe("the isolate's receiver cache", () => {
  it("remembers an integration between deliveries: a row gone from D1 meanwhile is still served from it", async () => {
    const { id, secret } = await webhookIntegration(newMerchant("wh-cache"));
    const first = await deliverCached(id, secret, { eventType: "inventory.changed", data: { sku: "C-1", stock: 1 } });
    expect(first.status).toBe(202);
    // As if another isolate had changed the row: this one does not read it again within the TTL.
    await env.DB.prepare("UPDATE integrations SET status = 'paused' WHERE id = ?").bind(id).run();
    const second = await deliverCached(id, secret, { eventType: "inventory.changed", data: { sku: "C-1", stock: 2 } });
    expect(second.status).toBe(202);
    // Without the cache the pause is seen at once.
    const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "C-1", stock: 3 } });
    const uncached = await api("POST", `/webhooks/${id}`, { rawBody: body, headers: seedHeaders(secret, body) });
    expect(uncached.status).toBe(503);
  });

  it("verifies with a secret rotated in after it remembered the receiver, and still with the old one in its overlap", async () => {
    const { id, secret } = await webhookIntegration(newMerchant("wh-cache-rot"));
    expect(
      (await deliverCached(id, secret, { eventType: "price.changed", data: { sku: "R-1", price: 5 } })).status,
    ).toBe(202);
    const rotated = await api("POST", `/api/integrations/${id}/webhook/rotate-secret`, { token: await admin() });
    expect(rotated.status).toBe(200);
    const next = rotated.body.data.secret as string;
    const withNew = await deliverCached(id, next, { eventType: "price.changed", data: { sku: "R-1", price: 6 } });
    expect(withNew.status, JSON.stringify(withNew.body)).toBe(202);
    expect((await settled(withNew.body.data.id)).status).toBe("processed");
    const withOld = await deliverCached(id, secret, { eventType: "price.changed", data: { sku: "R-1", price: 7 } });
    expect(withOld.status).toBe(202);
    const forged = await deliverCached(id, "whsec_not-the-secret", {
      eventType: "price.changed",
      data: { sku: "R-1", price: 8 },
    });
    expect(forged.status).toBe(401);
  });
});
