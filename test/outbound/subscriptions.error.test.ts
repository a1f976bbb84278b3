import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { countOf } from "../helpers/db.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { HOOK_URL, register, registered, subscriptionRow } from "../helpers/subscriptions.ts";
import { newMerchant } from "../helpers/unique.ts";

const subscriptionsOf = (merchantId: string) =>
  countOf("SELECT count(*) AS n FROM webhook_subscriptions WHERE merchant_id = ?", merchantId);

/** A 400 VALIDATION_ERROR naming `field`, with a message matching `message`. */
function expectFieldError(res: { status: number; body: any }, field: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.code).toBe("VALIDATION_ERROR");
  const issue = res.body.details.find((d: { field: string }) => d.field === field);
  expect(issue, JSON.stringify(res.body.details)).toBeDefined();
  if (message) expect(issue.message).toMatch(message);
}

describe("refused subscriptions", () => {
  it("refuses an event type that is not in the catalogue, naming the ones that are", async () => {
    const m = newMerchant("subs-err");
    const res = await register(await csvIntegration(m), {
      url: HOOK_URL,
      events: ["inventory.changed", "stock.moved"],
    });
    expectFieldError(res, "events.1", /'stock\.moved' is not in the catalogue \(sync\.completed, .*'\*' for all/);
    expect(await subscriptionsOf(m)).toBe(0);
  });

  it("refuses an empty or missing event list", async () => {
    const integrationId = await csvIntegration(newMerchant("subs-err"));
    expectFieldError(await register(integrationId, { url: HOOK_URL, events: [] }), "events", /at least one/);
    expectFieldError(await register(integrationId, { url: HOOK_URL }), "events");
  });

  it.each([
    ["not-a-url", /not a valid absolute URL/],
    ["http://hooks.example.com/in", /must use https/],
    ["https://user:pw@hooks.example.com/in", /user name or password/],
    ["ftp://hooks.example.com/in", /https/],
  ])("refuses the URL %s on the url field", async (url, message) => {
    const m = newMerchant("subs-err");
    expectFieldError(await register(await csvIntegration(m), { url, events: ["*"] }), "url", message);
    expect(await subscriptionsOf(m)).toBe(0);
  });

  it.each([
    ["not a whsec_ secret", "s3cret-of-mine-long-enough"],
    ["too short", `whsec_${btoa("x".repeat(16))}`],
    ["too long", `whsec_${btoa("x".repeat(65))}`],
    ["not base64", "whsec_!!!!"],
  ])("refuses a given secret that is %s", async (_, secret) => {
    const res = await register(await csvIntegration(newMerchant("subs-err")), { url: HOOK_URL, events: ["*"], secret });
    expectFieldError(res, "secret", /whsec_|bytes/);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it("refuses unknown fields", async () => {
    const res = await register(await csvIntegration(newMerchant("subs-err")), {
      url: HOOK_URL,
      events: ["*"],
      status: "disabled",
    });
    expect(res.status).toBe(400);
  });

  it("asks an admin for the merchant of a merchant-wide subscription", async () => {
    const res = await api("POST", "/api/subscriptions", {
      token: await admin(),
      body: { url: HOOK_URL, events: ["*"] },
    });
    expectFieldError(res, "merchantId", /required/);
  });

  it("refuses a merchantId that is not the integration's", async () => {
    const integrationId = await csvIntegration(newMerchant("subs-err"));
    const res = await api("POST", "/api/subscriptions", {
      token: await admin(),
      body: { merchantId: newMerchant("other"), integrationId, url: HOOK_URL, events: ["*"] },
    });
    expectFieldError(res, "merchantId", /not the merchant of/);
  });

  it("answers 404 for an integration or subscription that does not exist", async () => {
    const token = await admin();
    const missing = "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N";
    expect((await register(missing, { url: HOOK_URL, events: ["*"] })).status).toBe(404);
    const res = await api("POST", "/api/subscriptions", {
      token,
      body: { integrationId: missing, url: HOOK_URL, events: ["*"] },
    });
    expect(res.status).toBe(404);
    for (const [method, path] of [
      ["GET", ""],
      ["DELETE", ""],
      ["POST", "/enable"],
      ["POST", "/disable"],
      ["POST", "/rotate-secret"],
    ] as const) {
      expect((await api(method, `/api/subscriptions/sub_01JD3W8Z5Q6Y7X8V9T0S1R2P3N${path}`, { token })).status).toBe(
        404,
      );
    }
  });
});

describe("refused changes leave the subscription as it was", () => {
  it("refuses an empty PATCH, a bad URL and bad events", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs-err")));
    const token = await admin();
    const before = await subscriptionRow(sub.id);
    expect((await api("PATCH", `/api/subscriptions/${sub.id}`, { token, body: {} })).status).toBe(400);
    expectFieldError(
      await api("PATCH", `/api/subscriptions/${sub.id}`, { token, body: { url: "https://10.0.0.1/" } }),
      "url",
      /private/,
    );
    expectFieldError(await api("PATCH", `/api/subscriptions/${sub.id}`, { token, body: { events: [] } }), "events");
    expect(await subscriptionRow(sub.id)).toEqual(before);
  });

  it("refuses a rotation with a bad overlap", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs-err")));
    const res = await api("POST", `/api/subscriptions/${sub.id}/rotate-secret`, {
      token: await admin(),
      body: { overlapHours: 1000 },
    });
    expectFieldError(res, "overlapHours");
  });
});
