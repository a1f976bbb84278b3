import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { fromBase64, utf8 } from "../../src/crypto/encoding.ts";
import { webhookSettings } from "../../src/inbound/settings.ts";
import { generateWebhookSecret, verifyUnknownIntegration, verifyWebhook } from "../../src/inbound/verify/index.ts";

const NOW = Date.parse("2026-12-02T10:00:00Z");
const body = utf8.encode('{"eventType":"price.changed","data":{"sku":"SKU-1","price":9.9}}');

describe("webhook secrets", () => {
  it("are whsec_ and base64 of 32 random bytes, a fresh one each time", () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(fromBase64(secret.slice("whsec_".length))).toHaveLength(32);
    }
  });

  it("are accepted by the reference Standard Webhooks library", () => {
    expect(() => new Webhook(generateWebhookSecret())).not.toThrow();
  });
});

describe("the API key scheme", () => {
  const apiKey = webhookSettings.parse({ scheme: "api_key" });
  const secret = generateWebhookSecret();
  const verify = (headers: Record<string, string>, secrets = [secret], settings = apiKey) =>
    verifyWebhook({ settings, headers: new Headers(headers), body, secrets, now: NOW });

  it("accepts X-API-Key equal to a valid secret, the previous one during a rotation", async () => {
    expect(await verify({ "X-API-Key": secret })).toEqual({ ok: true, timestampMs: null, eventId: null });
    const current = generateWebhookSecret();
    expect((await verify({ "x-api-key": secret }, [current, secret])).ok).toBe(true);
  });

  it("refuses another key, a prefix of the key and the key with more after it", async () => {
    for (const sent of [generateWebhookSecret(), secret.slice(0, -1), `${secret}x`, secret.toLowerCase()]) {
      const verdict = await verify({ "X-API-Key": sent });
      expect(verdict).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
      expect(!verdict.ok && verdict.message).not.toContain(sent);
    }
  });

  it("answers missing without the header, or with it empty", async () => {
    expect(await verify({})).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_MISSING" });
    expect(await verify({ "X-API-Key": "" })).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_MISSING" });
  });

  it("refuses everything when the integration has no secret", async () => {
    expect(await verify({ "X-API-Key": "" }, [])).toMatchObject({ ok: false });
    expect(await verify({ "X-API-Key": secret }, [""])).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("reads the event id from a configured header", async () => {
    const settings = webhookSettings.parse({ scheme: "api_key", eventIdHeader: "X-Request-Id" });
    expect(await verify({ "X-API-Key": secret, "X-Request-Id": "r-1" }, [secret], settings)).toMatchObject({
      ok: true,
      eventId: "r-1",
    });
  });
});

describe("an unknown integration", () => {
  it("gets exactly the verdict of a bad signature", async () => {
    const settings = webhookSettings.parse({ scheme: "standard" });
    const sentAt = new Date(NOW);
    const signature = new Webhook(generateWebhookSecret()).sign("msg_1", sentAt, utf8.decode(body));
    const headers = new Headers({
      "webhook-id": "msg_1",
      "webhook-timestamp": String(NOW / 1000),
      "webhook-signature": signature,
    });
    const badSignature = await verifyWebhook({ settings, headers, body, secrets: [generateWebhookSecret()], now: NOW });
    expect(badSignature.ok).toBe(false);
    expect(await verifyUnknownIntegration({ body })).toEqual(badSignature);
  });

  it("gets the same verdict as a bad signature in every HMAC scheme and the API key", async () => {
    const unknown = await verifyUnknownIntegration({ body });
    const cases = [
      ["seed", { "X-Webhook-Timestamp": String(NOW / 1000), "X-Webhook-Signature": `sha256=${"ab".repeat(32)}` }],
      ["shopify", { "X-Shopify-Hmac-Sha256": btoa("x".repeat(32)) }],
      ["woocommerce", { "X-WC-Webhook-Signature": btoa("x".repeat(32)) }],
      ["api_key", { "X-API-Key": "guess" }],
    ] as const;
    for (const [scheme, headers] of cases) {
      const settings = webhookSettings.parse({ scheme });
      const verdict = await verifyWebhook({
        settings,
        headers: new Headers(headers),
        body,
        secrets: ["s3cret"],
        now: NOW,
      });
      expect(verdict, scheme).toEqual(unknown);
    }
  });
});
