import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { countOf } from "../helpers/db.ts";
import { platformRecords, platformRequests } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";
import { deliver, hmacOf, refusals, settled, webhookIntegration, webhookRows } from "../helpers/webhooks.ts";

const json = { "Content-Type": "application/json" };

/** Waits for a 202's event and expects it processed. */
async function processed(res: { status: number; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const event = await settled(res.body.data.id);
  expect(event.status, JSON.stringify(event)).toBe("processed");
  return event;
}

describe("the presets and schemes, end to end", () => {
  it("shopify: takes a stock update and a product update named by X-Shopify-Topic, signed as Shopify signs", async () => {
    const merchant = newMerchant("wh-shopify");
    const { id, secret } = await webhookIntegration(merchant, { scheme: "shopify" });
    const shopify = (topic: string, body: string, eventId: string) =>
      deliver(id, body, {
        ...json,
        "X-Shopify-Hmac-Sha256": hmacOf("sha256", secret, body, "base64"),
        "X-Shopify-Topic": topic,
        "X-Shopify-Event-Id": eventId,
      });

    const stock = JSON.stringify({ sku: "SH-1", stock: 4 });
    const first = await shopify("inventory_levels/update", stock, "shop-evt-1");
    await processed(first);
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "SH-1", stock: 4 }),
    ]);

    const product = JSON.stringify({ sku: "SH-1", name: "Shopify shirt", price: 12.5 });
    const event = await processed(await shopify("products/update", product, "shop-evt-2"));
    expect(event.outcome).toMatchObject({ pushed: 2, rejectedCount: 0 });
    expect((await platformRecords(merchant, "products")).items).toEqual([
      expect.objectContaining({ sku: "SH-1", name: "Shopify shirt" }),
    ]);
    expect((await platformRecords(merchant, "prices")).items).toEqual([
      expect.objectContaining({ sku: "SH-1", price: 12.5 }),
    ]);

    // Shopify's retry carries the same X-Shopify-Event-Id: a duplicate, nothing pushed.
    const pushes = (await platformRequests(merchant)).count;
    const again = await shopify("inventory_levels/update", stock, "shop-evt-1");
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: first.body.data.id, duplicate: true });
    expect((await platformRequests(merchant)).count).toBe(pushes);

    // A hex signature is not Shopify's: refused, nothing stored.
    const hex = await deliver(id, stock, {
      ...json,
      "X-Shopify-Hmac-Sha256": hmacOf("sha256", secret, stock, "hex"),
      "X-Shopify-Topic": "inventory_levels/update",
    });
    expect(hex.status).toBe(401);
    expect((await webhookRows(id)).events).toBe(2);
  });

  it("woocommerce: takes a product.updated named by X-WC-Webhook-Topic", async () => {
    const merchant = newMerchant("wh-woo");
    const { id, secret } = await webhookIntegration(merchant, { scheme: "woocommerce" });
    const body = JSON.stringify({ sku: "WOO-1", name: "Woo mug", price: 3, stock: 8 });
    await processed(
      await deliver(id, body, {
        ...json,
        "X-WC-Webhook-Signature": hmacOf("sha256", secret, body, "base64"),
        "X-WC-Webhook-Topic": "product.updated",
        "X-WC-Webhook-Delivery-ID": "woo-1",
      }),
    );
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "WOO-1", stock: 8 }),
    ]);
  });

  it("api_key: takes X-API-Key equal to the secret, refuses a wrong or missing one", async () => {
    const merchant = newMerchant("wh-apikey");
    const { id, secret } = await webhookIntegration(merchant, { scheme: "api_key" });
    const body = JSON.stringify({ eventType: "price.changed", data: { sku: "KEY-1", price: 7.25 } });

    const wrong = await deliver(id, body, { ...json, "X-API-Key": `${secret}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("WEBHOOK_SIGNATURE_INVALID");
    const missing = await deliver(id, body, json);
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe("WEBHOOK_SIGNATURE_MISSING");
    expect((await webhookRows(id)).events).toBe(0);

    await processed(await deliver(id, body, { ...json, "X-API-Key": secret }));
    expect((await platformRecords(merchant, "prices")).items).toEqual([
      expect.objectContaining({ sku: "KEY-1", price: 7.25 }),
    ]);
    expect(await refusals(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cause: "bad_signature", count: 1 }),
        expect.objectContaining({ cause: "missing_signature", count: 1 }),
      ]),
    );
  });

  it("hmac: a generic HMAC-SHA512 in base64 over the body", async () => {
    const merchant = newMerchant("wh-hmac512");
    const { id, secret } = await webhookIntegration(merchant, {
      scheme: "hmac",
      hmac: { header: "X-Signature", algorithm: "sha512", encoding: "base64" },
      eventIdHeader: "X-Event-Id",
    });
    const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "H512-1", stock: 11 } });
    const headers = { ...json, "X-Signature": hmacOf("sha512", secret, body, "base64"), "X-Event-Id": "h-1" };
    const first = await deliver(id, body, headers);
    await processed(first);
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "H512-1", stock: 11 }),
    ]);
    // A SHA-256 signature in the SHA-512 header is refused.
    const short = await deliver(id, body, { ...headers, "X-Signature": hmacOf("sha256", secret, body, "base64") });
    expect(short.status).toBe(401);
    // The configured event id header dedupes.
    const again = await deliver(id, body, headers);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: first.body.data.id, duplicate: true });
  });

  it("hmac: a prefixed hex HMAC over `<unix seconds>.<body>`, the signed timestamp ordering the changes", async () => {
    const merchant = newMerchant("wh-hmac-ts");
    const { id, secret } = await webhookIntegration(merchant, {
      scheme: "hmac",
      hmac: {
        header: "X-Sig",
        algorithm: "sha256",
        encoding: "hex",
        prefix: "v1=",
        signedContent: "timestamp.body",
        timestampHeader: "X-Sig-Timestamp",
      },
    });
    const send = (stock: number, seconds: number) => {
      const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "HTS-1", stock } });
      return deliver(id, body, {
        ...json,
        "X-Sig": `v1=${hmacOf("sha256", secret, `${seconds}.${body}`, "hex")}`,
        "X-Sig-Timestamp": String(seconds),
      });
    };
    const now = Math.floor(Date.now() / 1000);
    await processed(await send(3, now));
    const older = await send(9, now - 30);
    expect(older.status, JSON.stringify(older.body)).toBe(202);
    expect((await settled(older.body.data.id)).status).toBe("stale");
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "HTS-1", stock: 3 }),
    ]);
  });

  it("standard with v1a: an ed25519 signature under the configured public key, ordered by webhook-timestamp", async () => {
    const merchant = newMerchant("wh-v1a");
    const pair = (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
    const { id } = await webhookIntegration(merchant, { scheme: "standard", publicKey: `whpk_${base64(raw)}` });
    const send = async (msgId: string, seconds: number, stock: number) => {
      const body = JSON.stringify({ type: "inventory.changed", data: { sku: "V1A-1", stock } });
      const signed = new TextEncoder().encode(`${msgId}.${seconds}.${body}`);
      const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", pair.privateKey, signed));
      return deliver(id, body, {
        ...json,
        "webhook-id": msgId,
        "webhook-timestamp": String(seconds),
        "webhook-signature": `v1a,${base64(signature)}`,
      });
    };
    const now = Math.floor(Date.now() / 1000);
    await processed(await send("msg_v1a_2", now, 6));
    const older = await send("msg_v1a_1", now - 10, 60);
    expect(older.status, JSON.stringify(older.body)).toBe(202);
    expect((await settled(older.body.data.id)).status).toBe("stale");
    expect((await platformRecords(merchant, "inventory")).items).toEqual([
      expect.objectContaining({ sku: "V1A-1", stock: 6 }),
    ]);
  });

  it("refuses to create an hmac-scheme integration without its hmac settings, and stores nothing", async () => {
    const merchantId = newMerchant("wh-hmac-bad");
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: {
        merchantId,
        name: "no hmac",
        type: "webhook",
        connector: "csv",
        credentials: {},
        settings: { webhook: { scheme: "hmac" } },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(JSON.stringify(res.body)).toMatch(/hmac/);
    expect(await countOf("SELECT count(*) AS n FROM integrations WHERE merchant_id = ?", merchantId)).toBe(0);
  });
});

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
