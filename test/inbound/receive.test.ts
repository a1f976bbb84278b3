import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { platformRecords, platformRequests } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliver, deliverSeed, refusals, settled, webhookIntegration } from "../helpers/webhooks.ts";

describe("POST /webhooks/{integrationId}", () => {
  it("takes the seed's example, signed with the seed's scheme, and updates the platform", async () => {
    const merchant = newMerchant("wh-seed");
    const { id, secret } = await webhookIntegration(merchant);
    const res = await deliverSeed(id, secret, {
      eventType: "product.updated",
      data: { productId: "PROD-123", sku: "SKU-123", price: 29.99, stock: 100 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({ status: "received", duplicate: false });
    const event = await settled(res.body.data.id);
    expect(event.status, JSON.stringify(event)).toBe("processed");
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "SKU-123", stock: 100 }),
    ]);
    expect((await platformRecords(merchant, "prices")).items).toEqual([
      expect.objectContaining({ sku: "SKU-123", price: 29.99, currency: "TRY" }),
    ]);
    // No name in the event: the product itself is left alone, not rejected.
    expect((await platformRecords(merchant, "products")).count).toBe(0);
    expect(event.outcome).toMatchObject({ items: 1, pushed: 2, stale: 0, rejectedCount: 0 });
  });

  it("accepts a Standard Webhooks delivery signed by the reference library; the same again is a duplicate; one byte changed is refused and listed", async () => {
    const merchant = newMerchant("wh-std");
    const { id, secret } = await webhookIntegration(merchant, { scheme: "standard" });
    const body = JSON.stringify({ type: "inventory.changed", data: { sku: "STD-1", stock: 7 } });
    const msgId = `msg_${crypto.randomUUID()}`;
    const at = new Date();
    const headers = {
      "content-type": "application/json",
      "webhook-id": msgId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(msgId, at, body),
    };
    const first = await deliver(id, body, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect((await settled(first.body.data.id)).status).toBe("processed");
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "STD-1", stock: 7 }),
    ]);
    const pushes = (await platformRequests(merchant)).count;

    const again = await deliver(id, body, headers);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: first.body.data.id, duplicate: true });
    expect((await settled(first.body.data.id)).duplicates).toBe(1);
    expect((await platformRequests(merchant)).count).toBe(pushes);

    const tampered = body.replace('"stock":7', '"stock":8');
    const refused = await deliver(id, tampered, headers);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("WEBHOOK_SIGNATURE_INVALID");
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "bad_signature", count: 1 })]);
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "STD-1", stock: 7 }),
    ]);
  });
});
