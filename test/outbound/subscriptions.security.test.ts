import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { auditOfRequest, tracedCall } from "../helpers/audit.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { countOf } from "../helpers/db.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { HOOK_URL, register, registered, subscriptionRow } from "../helpers/subscriptions.ts";
import { newMerchant } from "../helpers/unique.ts";

const LOOPBACK_DEV = { ALLOW_LOOPBACK_HTTP: "true" };
const subscriptionsOf = (merchantId: string) =>
  countOf("SELECT count(*) AS n FROM webhook_subscriptions WHERE merchant_id = ?", merchantId);

describe("the SSRF policy on subscription URLs", () => {
  it.each([
    ["https://127.0.0.1/hook", /loopback/],
    ["https://10.0.0.1/hook", /private/],
    ["https://169.254.169.254/latest/meta-data/", /link-local/],
    ["https://[::1]/hook", /loopback/],
    ["https://localhost/hook", /loopback/],
    ["https://hooks.internal/hook", /public host name/],
    ["https://10-0-0-1.example.com/hook", /spells the private address 10\.0\.0\.1/],
    ["https://127.0.0.1.nip.io/hook", /wildcard DNS/],
    ["https://169-254-169-254.example.com/hook", /link-local/],
  ])("refuses %s when saved", async (url, message) => {
    const m = newMerchant("subs-ssrf");
    const res = await register(await csvIntegration(m), { url, events: ["*"] });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.details).toEqual([{ field: "url", message: expect.stringMatching(message) }]);
    expect(await subscriptionsOf(m)).toBe(0);

    const wide = await api("POST", "/api/subscriptions", { token: await merchant(m), body: { url, events: ["*"] } });
    expect(wide.status).toBe(400);
    expect(await subscriptionsOf(m)).toBe(0);
  });

  it("refuses a private URL in a PATCH", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs-ssrf")));
    const res = await api("PATCH", `/api/subscriptions/${sub.id}`, {
      token: await admin(),
      body: { url: "https://169.254.169.254/" },
    });
    expect(res.status).toBe(400);
    expect((await subscriptionRow(sub.id))?.url).toBe(HOOK_URL);
  });

  it("allows plain http to loopback only when ALLOW_LOOPBACK_HTTP is on, and checks again on enable", async () => {
    const integrationId = await csvIntegration(newMerchant("subs-ssrf"));
    const token = await admin();
    const body = { url: "http://127.0.0.1:8790/hook", events: ["*"] };
    const path = `/api/integrations/${integrationId}/webhook/register`;
    expect((await api("POST", path, { token, body })).status).toBe(400);
    const privateToo = await api("POST", path, {
      token,
      body: { ...body, url: "http://10.0.0.1/" },
      env: LOOPBACK_DEV,
    });
    expect(privateToo.status).toBe(400);

    const dev = await api("POST", path, { token, body, env: LOOPBACK_DEV });
    expect(dev.status, JSON.stringify(dev.body)).toBe(201);
    const id = dev.body.data.id;
    expect((await api("POST", `/api/subscriptions/${id}/disable`, { token })).status).toBe(200);
    // The policy tightened since it was saved: the subscription stays disabled.
    const enable = await api("POST", `/api/subscriptions/${id}/enable`, { token });
    expect(enable.status).toBe(400);
    expect(enable.body.details[0].field).toBe("url");
    expect((await subscriptionRow(id))?.status).toBe("disabled");
  });
});

describe("tenancy", () => {
  it("answers another merchant's subscription 404, as a missing one, and audits the attempt", async () => {
    const owner = newMerchant("subs-a");
    const sub = await registered(await csvIntegration(owner));
    const token = await merchant(newMerchant("subs-b"));
    const before = await subscriptionRow(sub.id);
    for (const [method, suffix, body] of [
      ["GET", "", undefined],
      ["PATCH", "", { description: "mine now" }],
      ["DELETE", "", undefined],
      ["POST", "/enable", undefined],
      ["POST", "/disable", undefined],
      ["POST", "/rotate-secret", {}],
    ] as const) {
      const { res, requestId } = await tracedCall(method, `/api/subscriptions/${sub.id}${suffix}`, { token, body });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
      expect((await auditOfRequest(requestId)).map((a) => a.action)).toEqual(["auth.cross_tenant_denied"]);
    }
    expect(await subscriptionRow(sub.id)).toEqual(before);
  });

  it("does not let a merchant subscribe to another merchant's integration or for another merchant", async () => {
    const other = newMerchant("subs-a");
    const integrationId = await csvIntegration(other);
    const token = await merchant(newMerchant("subs-b"));
    expect((await register(integrationId, { url: HOOK_URL, events: ["*"] }, token)).status).toBe(404);
    const viaBody = await api("POST", "/api/subscriptions", {
      token,
      body: { integrationId, url: HOOK_URL, events: ["*"] },
    });
    expect(viaBody.status).toBe(404);
    const forOther = await api("POST", "/api/subscriptions", {
      token,
      body: { merchantId: other, url: HOOK_URL, events: ["*"] },
    });
    expect(forOther.status).toBe(403);
    expect(await subscriptionsOf(other)).toBe(0);
  });

  it("lists only the caller's merchant's subscriptions", async () => {
    const a = newMerchant("subs-a");
    const b = newMerchant("subs-b");
    const mine = await registered(await csvIntegration(a));
    await registered(await csvIntegration(b));
    const res = await api("GET", "/api/subscriptions", { token: await merchant(a) });
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    expect((await api("GET", `/api/subscriptions?merchantId=${b}`, { token: await merchant(a) })).status).toBe(403);
  });

  it("lets a viewer read but not write", async () => {
    const m = newMerchant("subs-v");
    const integrationId = await csvIntegration(m);
    const sub = await registered(integrationId);
    const token = await viewer(m);
    expect((await api("GET", `/api/subscriptions/${sub.id}`, { token })).status).toBe(200);
    expect((await api("GET", "/api/subscriptions", { token })).body.data).toHaveLength(1);
    const before = await subscriptionRow(sub.id);
    for (const [method, path, body] of [
      ["POST", `/api/integrations/${integrationId}/webhook/register`, { url: HOOK_URL, events: ["*"] }],
      ["POST", "/api/subscriptions", { url: HOOK_URL, events: ["*"] }],
      ["PATCH", `/api/subscriptions/${sub.id}`, { description: "x" }],
      ["DELETE", `/api/subscriptions/${sub.id}`, undefined],
      ["POST", `/api/subscriptions/${sub.id}/disable`, undefined],
      ["POST", `/api/subscriptions/${sub.id}/rotate-secret`, {}],
    ] as const) {
      const res = await api(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await subscriptionRow(sub.id)).toEqual(before);
    expect(await subscriptionsOf(m)).toBe(1);
    // Another merchant's viewer gets the same 404 as anyone else.
    expect((await api("GET", `/api/subscriptions/${sub.id}`, { token: await viewer(newMerchant("x")) })).status).toBe(
      404,
    );
  });
});
