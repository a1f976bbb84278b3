import { describe, expect, it } from "vitest";
import { generateSubscriptionSecret, signatureHeaders } from "../../src/outbound/sign.ts";
import { configureReceiver, received, receiverKey, receiverUrl } from "../helpers/receiver.ts";

// The receiver simulator on its own: its controls, checked with plain fetches.
const body = JSON.stringify({ type: "product.updated", data: { sku: "A-1" } });
const now = () => Math.floor(Date.now() / 1000);

async function deliver(key: string, secret: string, id = crypto.randomUUID()): Promise<Response> {
  const headers = await signatureHeaders([secret], id, now(), body);
  return fetch(receiverUrl(key), { method: "POST", body, headers: { ...headers, "content-type": "application/json" } });
}

describe("receiver simulator", () => {
  it("accepts and records a delivery that verifies, with its id and parsed body", async () => {
    const key = receiverKey("ok");
    const secret = generateSubscriptionSecret();
    await configureReceiver(key, { secret });
    const res = await deliver(key, secret, "evt_ok_1");
    expect(res.status).toBe(200);
    const got = await received(key);
    expect(got.count).toBe(1);
    expect(got.deliveries[0]).toMatchObject({
      webhookId: "evt_ok_1",
      signatureVerified: true,
      body: JSON.parse(body),
      status: 200,
    });
  });

  it("answers 401 to a delivery signed with another secret and records it unverified", async () => {
    const key = receiverKey("bad");
    await configureReceiver(key, { secret: generateSubscriptionSecret() });
    const res = await deliver(key, generateSubscriptionSecret());
    expect(res.status).toBe(401);
    expect((await received(key)).deliveries).toMatchObject([{ signatureVerified: false, status: 401 }]);
  });

  it("answers 404 under a key with no configuration", async () => {
    const key = receiverKey("none");
    expect((await deliver(key, generateSubscriptionSecret())).status).toBe(404);
    expect((await received(key)).count).toBe(1);
  });

  it("fails the next N deliveries with the chosen status and Retry-After, then succeeds", async () => {
    const key = receiverKey("fail");
    const secret = generateSubscriptionSecret();
    await configureReceiver(key, { secret, failNext: 2, failStatus: 503, retryAfter: 7 });
    const first = await deliver(key, secret);
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("7");
    expect((await deliver(key, secret)).status).toBe(503);
    expect((await deliver(key, secret)).status).toBe(200);
    expect((await received(key)).deliveries.map((d) => d.status)).toEqual([503, 503, 200]);
  });

  it("records duplicates: the same webhook-id twice is two deliveries", async () => {
    const key = receiverKey("dup");
    const secret = generateSubscriptionSecret();
    await configureReceiver(key, { secret });
    await deliver(key, secret, "evt_same");
    await deliver(key, secret, "evt_same");
    expect((await received(key)).deliveries.map((d) => d.webhookId)).toEqual(["evt_same", "evt_same"]);
  });

  it("answers 410 while gone, and 302 with the Location while redirecting", async () => {
    const gone = receiverKey("gone");
    const secret = generateSubscriptionSecret();
    await configureReceiver(gone, { secret, gone: true });
    expect((await deliver(gone, secret)).status).toBe(410);

    const moved = receiverKey("moved");
    await configureReceiver(moved, { secret, redirectTo: "https://elsewhere.test/hook" });
    const res = await fetch(receiverUrl(moved), {
      method: "POST",
      body,
      headers: await signatureHeaders([secret], "evt_r", now(), body),
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://elsewhere.test/hook");
  });

  it("answers late by delayMs, so a caller with a shorter timeout gives up; the delivery is recorded on arrival", async () => {
    const key = receiverKey("late");
    const secret = generateSubscriptionSecret();
    await configureReceiver(key, { secret, delayMs: 5_000 });
    const headers = await signatureHeaders([secret], "evt_late", now(), body);
    const call = fetch(receiverUrl(key), { method: "POST", body, headers, signal: AbortSignal.timeout(100) });
    await expect(call).rejects.toMatchObject({ name: "TimeoutError" });
    expect((await received(key)).deliveries).toMatchObject([{ webhookId: "evt_late", signatureVerified: true }]);
  });

  it("refuses a configuration without a secret", async () => {
    const res = await fetch(`https://sims.test/receiver/__sim/${receiverKey("x")}/config`, {
      method: "PUT",
      body: JSON.stringify({ failNext: 1 }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
  });
});
