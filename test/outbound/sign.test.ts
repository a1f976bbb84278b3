import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSubscriptionSecret, signatureHeaders } from "../../src/outbound/sign.ts";

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: "sync.completed", data: { runId: "run_1" } });

describe("signatureHeaders", () => {
  it("matches the Standard Webhooks published test vector", async () => {
    const headers = await signatureHeaders(
      ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers).toEqual({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("signs what the standardwebhooks library verifies", async () => {
    const secret = generateSubscriptionSecret();
    const headers = await signatureHeaders([secret], "evt_1", now(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("signs with both secrets during a rotation, each entry verifying on its own", async () => {
    const [oldSecret, newSecret] = [generateSubscriptionSecret(), generateSubscriptionSecret()];
    const headers = await signatureHeaders([newSecret, oldSecret], "evt_2", now(), body);
    const entries = (headers["webhook-signature"] ?? "").split(" ");
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    for (const secret of [oldSecret, newSecret]) expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    for (const [i, secret] of [newSecret, oldSecret].entries()) {
      const alone = { ...headers, "webhook-signature": entries[i] ?? "" };
      expect(() => new Webhook(secret).verify(body, alone)).not.toThrow();
    }
  });

  it("keeps the webhook-id and changes the signature when only the timestamp changes", async () => {
    const secret = generateSubscriptionSecret();
    const first = await signatureHeaders([secret], "evt_3", 1_700_000_000, body);
    const retry = await signatureHeaders([secret], "evt_3", 1_700_000_005, body);
    expect(retry["webhook-id"]).toBe(first["webhook-id"]);
    expect(retry["webhook-signature"]).not.toBe(first["webhook-signature"]);
  });

  it("is refused by the library for another secret or a changed body", async () => {
    const secret = generateSubscriptionSecret();
    const headers = await signatureHeaders([secret], "evt_4", now(), body);
    expect(() => new Webhook(generateSubscriptionSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it("refuses to sign without a secret, with a corrupt secret, or with a fractional timestamp", async () => {
    await expect(signatureHeaders([], "evt_5", now(), body)).rejects.toThrow(/at least one/);
    await expect(signatureHeaders(["whsec_not base64!"], "evt_5", now(), body)).rejects.toThrow(/whsec_/);
    await expect(signatureHeaders([generateSubscriptionSecret()], "evt_5", 1.5, body)).rejects.toThrow(/seconds/);
  });
});

describe("generateSubscriptionSecret", () => {
  it("makes whsec_ secrets of 32 random bytes, different every time", () => {
    const a = generateSubscriptionSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateSubscriptionSecret()).not.toBe(a);
  });
});
