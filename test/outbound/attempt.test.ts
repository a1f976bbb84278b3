import { describe, expect, it, vi } from "vitest";
import { attemptDelivery } from "../../src/outbound/attempt.ts";
import { generateSubscriptionSecret, signatureHeaders } from "../../src/outbound/sign.ts";
import { configureReceiver, received, receiverKey, receiverUrl } from "../helpers/receiver.ts";

// One attempt against the receiver simulator (every fetch in tests reaches the simulators).
const config = { allowLoopbackHttp: false };
const body = JSON.stringify({ type: "sync.completed", data: { runId: "run_1" } });

async function signed(secret: string, id = crypto.randomUUID()) {
  return { headers: await signatureHeaders([secret], id, Math.floor(Date.now() / 1000), body), body };
}

async function receiver(label: string, settings: Omit<Parameters<typeof configureReceiver>[1], "secret"> = {}) {
  const key = receiverKey(label);
  const secret = generateSubscriptionSecret();
  await configureReceiver(key, { secret, ...settings });
  return { key, secret, url: receiverUrl(key) };
}

describe("attemptDelivery", () => {
  it("is ok on a 2xx, and the receiver verified the signature and got JSON", async () => {
    const r = await receiver("ok");
    const result = await attemptDelivery(config, r.url, await signed(r.secret, "evt_ok"));
    expect(result).toMatchObject({ ok: true, statusCode: 200, errorClass: null, error: null });
    expect(result.responseBody).toBe('{"received":true}');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await received(r.key)).deliveries).toMatchObject([
      { webhookId: "evt_ok", signatureVerified: true, body: JSON.parse(body) },
    ]);
  });

  it("classes a 500 as http, with the status and the answer's body", async () => {
    const r = await receiver("e500", { failNext: 1 });
    const result = await attemptDelivery(config, r.url, await signed(r.secret));
    expect(result).toMatchObject({ ok: false, statusCode: 500, errorClass: "http", error: "sims.test answered 500" });
    expect(result.responseBody).toContain("failing on purpose");
  });

  it("reads Retry-After from the answer", async () => {
    const r = await receiver("ra", { failNext: 1, failStatus: 429, retryAfter: 120 });
    const result = await attemptDelivery(config, r.url, await signed(r.secret));
    expect(result).toMatchObject({ statusCode: 429, errorClass: "http", retryAfterSeconds: 120 });
  });

  it("does not follow a 302: a redirect failure, and its target receives nothing", async () => {
    const target = await receiver("target");
    const r = await receiver("moved", { redirectTo: target.url });
    const result = await attemptDelivery(config, r.url, await signed(r.secret));
    expect(result).toMatchObject({ ok: false, statusCode: 302, errorClass: "redirect" });
    expect(result.error).toMatch(/^sims\.test redirected \(302\) to sims\.test;/);
    expect((await received(target.key)).count).toBe(0);
    expect((await received(r.key)).count).toBe(1);
  });

  it("gives up after timeoutMs and classes it a timeout", async () => {
    const r = await receiver("slow", { delayMs: 5_000 });
    const result = await attemptDelivery(config, r.url, await signed(r.secret), { timeoutMs: 100 });
    expect(result).toMatchObject({
      ok: false,
      statusCode: null,
      errorClass: "timeout",
      error: "sims.test: no answer within 100 ms",
    });
  });

  it("keeps only the first KiB of the answer", async () => {
    const r = await receiver("big", { answerBody: `${"é".repeat(600)}${"x".repeat(5000)}` });
    const result = await attemptDelivery(config, r.url, await signed(r.secret));
    expect(result.ok).toBe(true);
    // 512 two-byte characters fill the KiB exactly; no replacement character at the cut.
    expect(result.responseBody).toBe("é".repeat(512));
  });

  it.each([
    "http://127.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/hook",
    "https://localhost/hook",
    "http://example.com/hook",
  ])("refuses %s before sending anything", async (url) => {
    const fetcher = vi.fn<typeof fetch>();
    const result = await attemptDelivery(config, url, { headers: {}, body }, { fetcher });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "refused_url" });
    expect(result.error).toMatch(/^Refused to call /);
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("names the host only, never the path or query, in its errors", async () => {
    const r = await receiver("secretpath", { failNext: 1 });
    const url = `${r.url}?token=s3cr3t-token`;
    const failed = await attemptDelivery(config, url, await signed(r.secret));
    const refused = await attemptDelivery(config, "http://10.1.2.3/s3cr3t-token/hook?token=s3cr3t-token", {
      headers: {},
      body,
    });
    const timedOut = await attemptDelivery(
      config,
      "https://hooks.example.com/s3cr3t-token",
      { headers: {}, body },
      { fetcher: () => Promise.reject(new DOMException("timed out", "TimeoutError")) },
    );
    for (const result of [failed, refused, timedOut]) {
      expect(result.error).toBeTruthy();
      expect(result.error).not.toContain("s3cr3t-token");
      expect(result.error).not.toContain("/receiver");
    }
  });

  it("sends a POST of application/json with the given headers and redirect: manual", async () => {
    const fetcher = vi.fn<typeof fetch>(async () => new Response(null, { status: 204 }));
    const result = await attemptDelivery(
      config,
      "https://hooks.example.com/x",
      { headers: { "webhook-id": "e" }, body },
      { fetcher },
    );
    expect(result).toMatchObject({ ok: true, statusCode: 204 });
    const init = fetcher.mock.calls[0]?.[1];
    expect(init).toMatchObject({ method: "POST", redirect: "manual", body });
    expect(init?.headers).toEqual({ "webhook-id": "e", "content-type": "application/json" });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it.each([
    ["dns", new TypeError("DNS lookup failed")],
    ["tls", new Error("TLS peer's certificate is not trusted")],
    ["connection", new TypeError("Network connection lost.")],
    ["connection", new Error("internal error")],
    ["timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError")],
  ] as const)("classes a fetch that throws as %s", async (errorClass, error) => {
    const result = await attemptDelivery(
      config,
      "https://hooks.example.com/x",
      { headers: {}, body },
      {
        fetcher: () => Promise.reject(error),
      },
    );
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass, responseBody: null });
  });
});
