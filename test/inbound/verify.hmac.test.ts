import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/encoding.ts";
import { webhookSettings } from "../../src/inbound/settings.ts";
import { generateWebhookSecret, verifyWebhook } from "../../src/inbound/verify/index.ts";

// Senders sign with node:crypto here, an implementation apart from the crypto.subtle that verifies.
const sign = (algorithm: "sha256" | "sha512", secret: string, content: string, encoding: "hex" | "base64") =>
  createHmac(algorithm, secret).update(content, "utf8").digest(encoding);

const SECRET = generateWebhookSecret();
const BODY = JSON.stringify({
  eventType: "inventory.changed",
  data: { productId: "P-1", sku: "SKU-1", price: 12.5, stock: 4 },
});
const NOW = Date.parse("2024-01-20T10:30:00Z");

function request(headers: Record<string, string>, body = BODY) {
  return { headers: new Headers(headers), body: utf8.encode(body) };
}

const verify = (
  settings: ReturnType<typeof webhookSettings.parse>,
  r: { headers: Headers; body: Uint8Array },
  { secrets = [SECRET], now = NOW }: { secrets?: string[]; now?: number } = {},
) => verifyWebhook({ settings, ...r, secrets, now });

describe("the seed's scheme", () => {
  const seed = webhookSettings.parse({});
  const seedHeaders = (timestamp: string, body = BODY, secret = SECRET) => ({
    "X-Webhook-Timestamp": timestamp,
    "X-Webhook-Signature": `sha256=${sign("sha256", secret, `${timestamp}.${body}`, "hex")}`,
  });

  it("is the default scheme", () => {
    expect(seed.scheme).toBe("seed");
  });

  it("accepts an ISO 8601 timestamp, signed as sent", async () => {
    for (const timestamp of ["2024-01-20T10:30:00Z", "2024-01-20T13:30:00+03:00", "2024-01-20T10:30:00.000Z"]) {
      expect(await verify(seed, request(seedHeaders(timestamp))), timestamp).toEqual({
        ok: true,
        timestampMs: NOW,
        eventId: null,
      });
    }
  });

  it("accepts Unix seconds", async () => {
    const verdict = await verify(seed, request(seedHeaders(String(NOW / 1000))));
    expect(verdict).toEqual({ ok: true, timestampMs: NOW, eventId: null });
  });

  it("signs the timestamp exactly as sent: the same instant written otherwise does not match", async () => {
    const headers = { ...seedHeaders("2024-01-20T10:30:00Z"), "X-Webhook-Timestamp": String(NOW / 1000) };
    expect(await verify(seed, request(headers))).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("accepts the hex in capitals too", async () => {
    const headers = seedHeaders("2024-01-20T10:30:00Z");
    headers["X-Webhook-Signature"] = `sha256=${headers["X-Webhook-Signature"].slice(7).toUpperCase()}`;
    expect((await verify(seed, request(headers))).ok).toBe(true);
  });

  it("names each missing header", async () => {
    const both = await verify(seed, request({}));
    expect(both).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_MISSING" });
    expect(!both.ok && both.message).toMatch(/X-Webhook-Signature.*X-Webhook-Timestamp/);
    const { "X-Webhook-Timestamp": _, ...noTimestamp } = seedHeaders("2024-01-20T10:30:00Z");
    const one = await verify(seed, request(noTimestamp));
    expect(!one.ok && one.message).toContain("X-Webhook-Timestamp");
    expect(!one.ok && one.message).not.toContain("X-Webhook-Signature");
  });

  it("refuses an unparsable timestamp, a zoneless one included", async () => {
    for (const timestamp of [
      "yesterday",
      "2024-01-20T10:30:00",
      "2024-01-20",
      "1705746600.5",
      "2024-13-45T10:30:00Z",
    ]) {
      const verdict = await verify(seed, request(seedHeaders(timestamp)));
      expect(verdict, timestamp).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
      expect(!verdict.ok && verdict.message).toContain("X-Webhook-Timestamp");
    }
  });

  it("refuses a signature without its sha256= prefix, or not 64 hex digits", async () => {
    const headers = seedHeaders("2024-01-20T10:30:00Z");
    const hex = headers["X-Webhook-Signature"].slice("sha256=".length);
    for (const signature of [hex, `sha256=${hex.slice(0, 62)}`, `sha256=${hex}00`, "sha256=", `sha1=${hex}`]) {
      const verdict = await verify(seed, request({ ...headers, "X-Webhook-Signature": signature }));
      expect(verdict, signature).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
      expect(!verdict.ok && verdict.message).not.toContain(hex.slice(0, 16));
    }
  });

  it("refuses a body with one byte changed", async () => {
    const headers = seedHeaders("2024-01-20T10:30:00Z");
    const tampered = BODY.replace('"stock":4', '"stock":5');
    expect(await verify(seed, request(headers, tampered))).toMatchObject({
      ok: false,
      code: "WEBHOOK_SIGNATURE_INVALID",
    });
  });

  it("refuses a genuine delivery signed six minutes ago or ahead as stale", async () => {
    for (const offset of [-360, 360]) {
      const timestamp = new Date(NOW + offset * 1000).toISOString();
      const verdict = await verify(seed, request(seedHeaders(timestamp)));
      expect(verdict, `${offset}`).toMatchObject({ ok: false, code: "WEBHOOK_TIMESTAMP_STALE" });
      expect(!verdict.ok && verdict.message).toContain("360 s");
    }
  });

  it("verifies with either secret during a rotation, not with a third", async () => {
    const previous = generateWebhookSecret();
    const headers = seedHeaders("2024-01-20T10:30:00Z", BODY, previous);
    expect((await verify(seed, request(headers), { secrets: [SECRET, previous] })).ok).toBe(true);
    expect(await verify(seed, request(headers), { secrets: [SECRET, generateWebhookSecret()] })).toMatchObject({
      code: "WEBHOOK_SIGNATURE_INVALID",
    });
  });

  it("reads the event id from a configured header", async () => {
    const settings = webhookSettings.parse({ eventIdHeader: "X-Event-Id" });
    const verdict = await verify(settings, request({ ...seedHeaders("2024-01-20T10:30:00Z"), "X-Event-Id": "evt-7" }));
    expect(verdict).toEqual({ ok: true, timestampMs: NOW, eventId: "evt-7" });
  });
});

describe("the Shopify preset", () => {
  const shopify = webhookSettings.parse({ scheme: "shopify" });
  const signed = (body = BODY, secret = SECRET) => ({
    "X-Shopify-Hmac-Sha256": sign("sha256", secret, body, "base64"),
  });

  it("accepts a base64 HMAC-SHA256 of the raw body, with no timestamp to go stale", async () => {
    const verdict = await verify(shopify, request(signed()), { now: NOW + 86_400_000 });
    expect(verdict).toEqual({ ok: true, timestampMs: null, eventId: null });
  });

  it("takes X-Shopify-Event-Id as the event id, else X-Shopify-Webhook-Id", async () => {
    const both = { ...signed(), "X-Shopify-Event-Id": "evt-1", "X-Shopify-Webhook-Id": "wh-1" };
    expect(await verify(shopify, request(both))).toMatchObject({ ok: true, eventId: "evt-1" });
    const webhookIdOnly = { ...signed(), "X-Shopify-Webhook-Id": "wh-1" };
    expect(await verify(shopify, request(webhookIdOnly))).toMatchObject({ ok: true, eventId: "wh-1" });
  });

  it("refuses a tampered body, a hex signature and a missing header", async () => {
    expect(await verify(shopify, request(signed(), `${BODY} `))).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
    const hex = { "X-Shopify-Hmac-Sha256": sign("sha256", SECRET, BODY, "hex") };
    expect(await verify(shopify, request(hex))).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
    expect(await verify(shopify, request({}))).toMatchObject({ code: "WEBHOOK_SIGNATURE_MISSING" });
  });

  it("accepts the old client secret while a rotation overlaps", async () => {
    const previous = "shpss_previous-client-secret";
    expect((await verify(shopify, request(signed(BODY, previous)), { secrets: [SECRET, previous] })).ok).toBe(true);
  });
});

describe("the WooCommerce preset", () => {
  const woo = webhookSettings.parse({ scheme: "woocommerce" });
  const signed = (body = BODY, delivery = "4b1e0c2f") => ({
    "X-WC-Webhook-Signature": sign("sha256", SECRET, body, "base64"),
    "X-WC-Webhook-Delivery-ID": delivery,
  });

  it("accepts a base64 HMAC-SHA256 of the raw body", async () => {
    const verdict = await verify(woo, request(signed()));
    expect(verdict).toMatchObject({ ok: true, timestampMs: null });
  });

  it("keeps two events sent in the same second apart, though WooCommerce gives them one delivery id", async () => {
    const other = BODY.replace('"stock":4', '"stock":3');
    const first = await verify(woo, request(signed()));
    const again = await verify(woo, request(signed()));
    const second = await verify(woo, request(signed(other), other));
    if (!first.ok || !again.ok || !second.ok) throw new Error("expected all three to verify");
    expect(first.eventId).toMatch(/^4b1e0c2f\.[0-9a-f]{32}$/);
    expect(again.eventId).toBe(first.eventId);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it("refuses a tampered body and a missing signature", async () => {
    expect(await verify(woo, request(signed(), BODY.replace("SKU-1", "SKU-2")))).toMatchObject({
      code: "WEBHOOK_SIGNATURE_INVALID",
    });
    expect(await verify(woo, request({ "X-WC-Webhook-Delivery-ID": "x" }))).toMatchObject({
      code: "WEBHOOK_SIGNATURE_MISSING",
    });
  });
});

describe("the generic HMAC scheme", () => {
  it("verifies SHA-512 in base64 after a prefix, over timestamp.body, and checks the timestamp", async () => {
    const settings = webhookSettings.parse({
      scheme: "hmac",
      hmac: {
        header: "X-Signature",
        algorithm: "sha512",
        encoding: "base64",
        prefix: "v1=",
        signedContent: "timestamp.body",
        timestampHeader: "X-Signature-Timestamp",
      },
    });
    const timestamp = String(NOW / 1000);
    const headers = {
      "X-Signature": `v1=${sign("sha512", SECRET, `${timestamp}.${BODY}`, "base64")}`,
      "X-Signature-Timestamp": timestamp,
    };
    expect(await verify(settings, request(headers))).toEqual({ ok: true, timestampMs: NOW, eventId: null });
    expect(await verify(settings, request(headers), { now: NOW + 301_000 })).toMatchObject({
      code: "WEBHOOK_TIMESTAMP_STALE",
    });
    expect(await verify(settings, request(headers, `${BODY}\n`))).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
    const sha256 = { ...headers, "X-Signature": `v1=${sign("sha256", SECRET, `${timestamp}.${BODY}`, "base64")}` };
    expect(await verify(settings, request(sha256))).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
    const { "X-Signature-Timestamp": _, ...untimed } = headers;
    expect(await verify(settings, request(untimed))).toMatchObject({ code: "WEBHOOK_SIGNATURE_MISSING" });
  });

  it("verifies hex over the body alone, leaving an unsigned timestamp unchecked", async () => {
    const settings = webhookSettings.parse({
      scheme: "hmac",
      hmac: { header: "x-hub-signature-256", prefix: "sha256=", timestampHeader: "x-sent-at" },
    });
    const headers = { "X-Hub-Signature-256": `sha256=${sign("sha256", SECRET, BODY, "hex")}`, "X-Sent-At": "0" };
    expect(await verify(settings, request(headers))).toEqual({ ok: true, timestampMs: null, eventId: null });
  });
});
