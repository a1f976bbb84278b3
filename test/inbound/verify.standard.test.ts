import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { fromBase64, utf8 } from "../../src/crypto/encoding.ts";
import { webhookSettings } from "../../src/inbound/settings.ts";
import { generateWebhookSecret, verifyWebhook } from "../../src/inbound/verify/index.ts";

// The published test vector of the Standard Webhooks libraries.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const AT = TIMESTAMP * 1000;

const standard = webhookSettings.parse({ scheme: "standard" });

function delivery(overrides: Record<string, string | null> = {}, body = BODY) {
  const headers = new Headers();
  const values = {
    "webhook-id": ID,
    "webhook-timestamp": String(TIMESTAMP),
    "webhook-signature": SIGNATURE,
    ...overrides,
  };
  for (const [name, value] of Object.entries(values)) if (value !== null) headers.set(name, value);
  return { headers, body: utf8.encode(body) };
}

const verify = (
  d: { headers: Headers; body: Uint8Array },
  {
    secrets = [SECRET],
    now = AT,
    settings = standard,
  }: { secrets?: string[]; now?: number; settings?: typeof standard } = {},
) => verifyWebhook({ settings, ...d, secrets, now });

function base64(bytes: ArrayBuffer | Uint8Array): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

describe("Standard Webhooks, v1 (HMAC-SHA256)", () => {
  it("accepts the published test vector, with its id and timestamp", async () => {
    expect(await verify(delivery())).toEqual({ ok: true, timestampMs: AT, eventId: ID });
  });

  it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])("answers missing without %s", async (name) => {
    const verdict = await verify(delivery({ [name]: null }));
    expect(verdict).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_MISSING" });
    expect(!verdict.ok && verdict.message).toContain(name);
  });

  it("refuses a timestamp that is not integer seconds, naming the header", async () => {
    for (const timestamp of ["hello", "1614265330.5", "2021-02-25T15:02:10Z", "-1614265330"]) {
      const verdict = await verify(delivery({ "webhook-timestamp": timestamp }));
      expect(verdict).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
      expect(!verdict.ok && verdict.message).toContain("webhook-timestamp");
    }
  });

  it("refuses junk, truncated and empty signatures without repeating them", async () => {
    const truncated = SIGNATURE.slice(0, -4);
    for (const signature of [
      "junk",
      "v1,junk",
      truncated,
      "v1,",
      "v1",
      ",",
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
    ]) {
      const verdict = await verify(delivery({ "webhook-signature": signature }));
      if (signature.endsWith("1OE")) {
        // Unpadded base64 of the right bytes is the same signature.
        expect(verdict.ok, signature).toBe(true);
        continue;
      }
      expect(verdict, signature).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
      expect(!verdict.ok && verdict.message).not.toContain("g0hM9SsE");
    }
  });

  it("refuses a right-length signature of other bytes, and one for another id", async () => {
    const other = `v1,${base64(new Uint8Array(32).fill(7))}`;
    expect(await verify(delivery({ "webhook-signature": other }))).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
    expect(await verify(delivery({ "webhook-id": "msg_other" }))).toMatchObject({ code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("refuses the body with one byte changed", async () => {
    const tampered = await verify(delivery({}, '{"test": 2432232315}'));
    expect(tampered).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
    const spaced = await verify(delivery({}, '{"test":2432232314}'));
    expect(spaced).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("refuses a timestamp 301 s old or ahead and accepts 299 s and 300 s either way", async () => {
    for (const seconds of [301, -301, 3600]) {
      const verdict = await verify(delivery(), { now: AT + seconds * 1000 });
      expect(verdict, `${seconds}`).toMatchObject({ ok: false, code: "WEBHOOK_TIMESTAMP_STALE" });
    }
    for (const seconds of [299, -299, 300, -300]) {
      expect((await verify(delivery(), { now: AT + seconds * 1000 })).ok, `${seconds}`).toBe(true);
    }
  });

  it("follows a configured tolerance", async () => {
    const settings = webhookSettings.parse({ scheme: "standard", toleranceSeconds: 30 });
    expect(await verify(delivery(), { settings, now: AT + 31_000 })).toMatchObject({ code: "WEBHOOK_TIMESTAMP_STALE" });
    expect((await verify(delivery(), { settings, now: AT - 30_000 })).ok).toBe(true);
  });

  it("calls a forgery with an old timestamp a bad signature, not a stale one", async () => {
    const verdict = await verify(delivery({}, '{"test": 1}'), { now: AT + 3600_000 });
    expect(verdict).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("passes when one of several signatures matches, skipping unknown versions", async () => {
    const bad = `v1,${base64(new Uint8Array(32).fill(1))}`;
    const header = `v2,whatever ${bad} v1,junk  ${SIGNATURE} v1a,${base64(new Uint8Array(64))}`;
    expect((await verify(delivery({ "webhook-signature": header }))).ok).toBe(true);
  });

  it("refuses a header of unknown versions only", async () => {
    const verdict = await verify(delivery({ "webhook-signature": "v2,abc v3,def" }));
    expect(verdict).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("accepts a secret given without its whsec_ prefix, as the reference library does", async () => {
    expect((await verify(delivery(), { secrets: [SECRET.slice("whsec_".length)] })).ok).toBe(true);
  });
});

describe("Standard Webhooks, signed by the standardwebhooks library", () => {
  it("accepts what the reference library signs, with a secret this gateway generated", async () => {
    const secret = generateWebhookSecret();
    const sentAt = new Date("2026-12-02T10:00:00Z");
    const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "SKU-1", stock: 4 } });
    const signature = new Webhook(secret).sign("evt_01", sentAt, body);
    const verdict = await verify(
      delivery(
        {
          "webhook-id": "evt_01",
          "webhook-timestamp": String(sentAt.getTime() / 1000),
          "webhook-signature": signature,
        },
        body,
      ),
      {
        secrets: [secret],
        now: sentAt.getTime() + 5000,
      },
    );
    expect(verdict).toEqual({ ok: true, timestampMs: sentAt.getTime(), eventId: "evt_01" });
  });

  it("agrees with the reference library on the published vector", () => {
    expect(new Webhook(SECRET).sign(ID, new Date(AT), BODY)).toBe(SIGNATURE);
  });

  it("accepts during a rotation either key, and refuses a third one", async () => {
    const [previous, current, unrelated] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const sentAt = new Date(AT);
    const byPrevious = new Webhook(previous).sign(ID, sentAt, BODY);
    const byCurrent = new Webhook(current).sign(ID, sentAt, BODY);
    const secrets = [current, previous];
    expect((await verify(delivery({ "webhook-signature": byPrevious }), { secrets })).ok).toBe(true);
    expect((await verify(delivery({ "webhook-signature": byCurrent }), { secrets })).ok).toBe(true);
    expect(
      (await verify(delivery({ "webhook-signature": `${byPrevious} ${byCurrent}` }), { secrets: [current] })).ok,
    ).toBe(true);
    const third = new Webhook(unrelated).sign(ID, sentAt, BODY);
    expect(await verify(delivery({ "webhook-signature": third }), { secrets })).toMatchObject({
      ok: false,
      code: "WEBHOOK_SIGNATURE_INVALID",
    });
  });

  it("verifies the raw bytes, not text: a body that is not UTF-8 still verifies", async () => {
    const secret = generateWebhookSecret();
    const body = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
    const key = await crypto.subtle.importKey(
      "raw",
      fromBase64(secret.slice(6)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const content = new Uint8Array([...utf8.encode(`${ID}.${TIMESTAMP}.`), ...body]);
    const signature = `v1,${base64(await crypto.subtle.sign("HMAC", key, content))}`;
    const d = delivery({ "webhook-signature": signature });
    expect((await verify({ headers: d.headers, body }, { secrets: [secret] })).ok).toBe(true);
  });
});

describe("Standard Webhooks, v1a (ed25519)", () => {
  async function keyPair() {
    const pair = (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
    const raw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
    return { privateKey: pair.privateKey, publicKey: `whpk_${base64(raw)}` };
  }
  const sign = async (privateKey: CryptoKey, body = BODY) =>
    `v1a,${base64(await crypto.subtle.sign("Ed25519", privateKey, utf8.encode(`${ID}.${TIMESTAMP}.${body}`)))}`;

  it("accepts a v1a signature under the configured public key, with or without whpk_", async () => {
    const { privateKey, publicKey } = await keyPair();
    for (const key of [publicKey, publicKey.slice("whpk_".length)]) {
      const settings = webhookSettings.parse({ scheme: "standard", publicKey: key });
      const verdict = await verify(delivery({ "webhook-signature": await sign(privateKey) }), {
        settings,
        secrets: [],
      });
      expect(verdict).toEqual({ ok: true, timestampMs: AT, eventId: ID });
    }
  });

  it("refuses a v1a signature of another key, or over a changed body", async () => {
    const mine = await keyPair();
    const theirs = await keyPair();
    const settings = webhookSettings.parse({ scheme: "standard", publicKey: mine.publicKey });
    const forged = await verify(delivery({ "webhook-signature": await sign(theirs.privateKey) }), { settings });
    expect(forged).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
    const changed = await verify(delivery({ "webhook-signature": await sign(mine.privateKey) }, '{"test": 1}'), {
      settings,
    });
    expect(changed).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
  });

  it("says so when only v1a signatures come and no public key is configured", async () => {
    const { privateKey } = await keyPair();
    const verdict = await verify(delivery({ "webhook-signature": await sign(privateKey) }));
    expect(verdict).toMatchObject({ ok: false, code: "WEBHOOK_SIGNATURE_INVALID" });
    expect(!verdict.ok && verdict.message).toContain("publicKey");
  });

  it("accepts v1 beside v1a when a public key is configured", async () => {
    const { publicKey } = await keyPair();
    const settings = webhookSettings.parse({ scheme: "standard", publicKey });
    expect(
      (await verify(delivery({ "webhook-signature": `v1a,${base64(new Uint8Array(64))} ${SIGNATURE}` }), { settings }))
        .ok,
    ).toBe(true);
  });
});
