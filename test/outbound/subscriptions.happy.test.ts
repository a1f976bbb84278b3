import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requireConfig } from "../../src/config.ts";
import { getDb } from "../../src/db/client.ts";
import { openSubscriptionSecrets } from "../../src/outbound/subscriptions/secrets.ts";
import { api } from "../helpers/api.ts";
import { auditOfRequest, tracedCall } from "../helpers/audit.ts";
import { admin, merchant } from "../helpers/auth.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import {
  HOOK_URL,
  merchantWide,
  register,
  registered,
  storedSecrets,
  subscriptionRow,
  whsec,
} from "../helpers/subscriptions.ts";
import { newMerchant } from "../helpers/unique.ts";

const HOUR_MS = 3_600_000;
const secretsNow = async (id: string) => openSubscriptionSecrets(await requireConfig(env), getDb(env), id, new Date());

describe("creating a subscription", () => {
  it("registers one for an integration through the seed's call, with a generated whsec_ secret", async () => {
    const m = newMerchant("subs");
    const integrationId = await csvIntegration(m);
    const res = await register(integrationId, {
      url: HOOK_URL,
      events: ["price.changed", "inventory.changed", "price.changed"],
      description: "storefront",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const data = res.body.data;
    expect(res.headers.get("location")).toBe(`/api/subscriptions/${data.id}`);
    expect(data).toMatchObject({
      merchantId: m,
      integrationId,
      url: HOOK_URL,
      events: ["price.changed", "inventory.changed"],
      description: "storefront",
      status: "active",
      disabledReason: null,
      failingSince: null,
    });
    expect(data.id).toMatch(/^sub_/);
    expect(data.secret).toMatch(/^whsec_/);
    expect(atob(data.secret.slice("whsec_".length)).length).toBe(32);
    expect(await secretsNow(data.id)).toEqual([data.secret]);
  });

  it("keeps a secret the caller gives", async () => {
    const secret = whsec(24);
    const sub = await registered(await csvIntegration(newMerchant("subs")), { secret });
    expect(sub.secret).toBe(secret);
    expect(await secretsNow(sub.id)).toEqual([secret]);
  });

  it("makes merchant-wide subscriptions: an admin names the merchant, a merchant gets its own", async () => {
    const m = newMerchant("subs");
    const byAdmin = await merchantWide(m);
    expect(byAdmin).toMatchObject({ merchantId: m, integrationId: null, events: ["*"] });

    const res = await api("POST", "/api/subscriptions", {
      token: await merchant(m),
      body: { url: HOOK_URL, events: ["order.failed", "*", "sync.failed"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ merchantId: m, integrationId: null, events: ["*"] });
  });

  it("takes an integrationId on POST /api/subscriptions, and the merchant from it", async () => {
    const m = newMerchant("subs");
    const integrationId = await csvIntegration(m);
    const res = await api("POST", "/api/subscriptions", {
      token: await admin(),
      body: { integrationId, url: HOOK_URL, events: ["order.exported"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ merchantId: m, integrationId });
  });
});

describe("the secret is shown once", () => {
  it("is in the create answer only: not in GET, the list, the audit log, or D1 in clear", async () => {
    const m = newMerchant("subs");
    const integrationId = await csvIntegration(m);
    const token = await admin();
    const { res, requestId } = await tracedCall("POST", `/api/integrations/${integrationId}/webhook/register`, {
      token,
      body: { url: HOOK_URL, events: ["sync.completed"] },
    });
    expect(res.status).toBe(201);
    const { id, secret } = res.body.data;
    const bare = secret.slice("whsec_".length);

    const one = await api("GET", `/api/subscriptions/${id}`, { token });
    const list = await api("GET", `/api/subscriptions?merchantId=${m}`, { token });
    expect(one.status).toBe(200);
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([id]);
    for (const text of [JSON.stringify(one.body), JSON.stringify(list.body)]) {
      expect(text).not.toContain(bare);
      expect(text).not.toContain('"secret"');
    }
    expect(one.body.data.secrets).toHaveLength(1);

    const audit = await auditOfRequest(requestId);
    expect(audit.map((a) => a.action)).toEqual(["subscription.created"]);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({
      integrationId,
      host: "hooks.example.com",
      events: ["sync.completed"],
      signingKeyId: one.body.data.secrets[0].id,
      secretGiven: false,
    });
    expect(JSON.stringify(audit)).not.toContain(bare);

    const [stored] = await storedSecrets(id);
    expect(stored?.ciphertext).toBeTruthy();
    expect(stored?.ciphertext).not.toContain(bare);
    expect(JSON.stringify(await subscriptionRow(id))).not.toContain(bare);
  });
});

describe("changing a subscription", () => {
  it("PATCHes url, events and description, auditing the names of the fields changed", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs")));
    const { res, requestId } = await tracedCall("PATCH", `/api/subscriptions/${sub.id}`, {
      token: await admin(),
      body: { url: "https://other.example.com/in", events: ["sync.failed", "sync.failed"], description: "x" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      url: "https://other.example.com/in",
      events: ["sync.failed"],
      description: "x",
    });
    const [entry] = await auditOfRequest(requestId);
    expect(entry?.action).toBe("subscription.updated");
    expect(JSON.parse(entry?.details ?? "{}")).toEqual({ changed: ["url", "events", "description"] });

    const cleared = await api("PATCH", `/api/subscriptions/${sub.id}`, {
      token: await admin(),
      body: { description: null },
    });
    expect(cleared.body.data.description).toBeNull();
  });

  it("disables with the operator's reason and enables again with a clean record", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs")));
    const token = await admin();
    const off = await api("POST", `/api/subscriptions/${sub.id}/disable`, { token });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ status: "disabled", disabledReason: "disabled by an operator" });
    expect(off.body.data.disabledAt).not.toBeNull();

    const listed = await api("GET", `/api/subscriptions?merchantId=${sub.merchantId}&status=disabled`, { token });
    expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([sub.id]);

    const { res, requestId } = await tracedCall("POST", `/api/subscriptions/${sub.id}/enable`, { token });
    expect(res.body.data).toMatchObject({
      status: "active",
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
    });
    expect((await auditOfRequest(requestId)).map((a) => a.action)).toEqual(["subscription.enabled"]);

    // Enabling what is active changes nothing and audits nothing.
    const again = await tracedCall("POST", `/api/subscriptions/${sub.id}/enable`, { token });
    expect(again.res.status).toBe(200);
    expect(await auditOfRequest(again.requestId)).toEqual([]);
  });

  it("deletes a subscription with its secrets", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs")));
    const token = await admin();
    const { res, requestId } = await tracedCall("DELETE", `/api/subscriptions/${sub.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(sub.id);
    expect((await auditOfRequest(requestId)).map((a) => a.action)).toEqual(["subscription.deleted"]);
    expect((await api("GET", `/api/subscriptions/${sub.id}`, { token })).status).toBe(404);
    expect((await api("DELETE", `/api/subscriptions/${sub.id}`, { token })).status).toBe(404);
    expect(await storedSecrets(sub.id)).toEqual([]);
    expect(await subscriptionRow(sub.id)).toBeNull();
  });
});

describe("rotating the secret", () => {
  it("answers a new secret once; the old one keeps signing for 24 hours beside it", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs")));
    const token = await admin();
    const before = Date.now();
    const { res, requestId } = await tracedCall("POST", `/api/subscriptions/${sub.id}/rotate-secret`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { secret, previousValidUntil } = res.body.data;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(sub.secret);
    const until = Date.parse(previousValidUntil);
    expect(until).toBeGreaterThanOrEqual(before + 24 * HOUR_MS);
    expect(until).toBeLessThanOrEqual(Date.now() + 24 * HOUR_MS);

    const rows = await storedSecrets(sub.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.expires_at).toBe(until);
    expect(rows[1]?.expires_at).toBeNull();
    expect(await secretsNow(sub.id)).toEqual([secret, sub.secret]);

    const shown = await api("GET", `/api/subscriptions/${sub.id}`, { token });
    expect(shown.body.data.secrets.map((s: { expiresAt: string | null }) => s.expiresAt)).toEqual([
      null,
      previousValidUntil,
    ]);
    const audit = await auditOfRequest(requestId);
    expect(audit.map((a) => a.action)).toEqual(["subscription.secret_rotated"]);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toEqual({
      signingKeyId: shown.body.data.secrets[0].id,
      secretGiven: false,
      previousValidUntil,
    });
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6));
    expect(JSON.stringify(shown.body)).not.toContain(secret.slice(6));
  });

  it("takes a given secret and a shorter overlap; an overlap of 0 retires the old secret at once", async () => {
    const sub = await registered(await csvIntegration(newMerchant("subs")));
    const token = await admin();
    const given = whsec(48);
    const res = await api("POST", `/api/subscriptions/${sub.id}/rotate-secret`, {
      token,
      body: { secret: given, overlapHours: 0 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.secret).toBe(given);
    expect(await secretsNow(sub.id)).toEqual([given]);

    // A later rotation deletes secrets whose overlap is over.
    await api("POST", `/api/subscriptions/${sub.id}/rotate-secret`, { token });
    expect(await storedSecrets(sub.id)).toHaveLength(2);
  });
});

describe("listing", () => {
  it("filters by integration and pages newest first", async () => {
    const m = newMerchant("subs");
    const [a, b] = [await csvIntegration(m, { name: "a" }), await csvIntegration(m, { name: "b" })];
    const first = await registered(a);
    const second = await registered(b);
    const wide = await merchantWide(m);
    const token = await merchant(m);
    const all = await api("GET", "/api/subscriptions?limit=2", { token });
    expect(all.body.data.map((s: { id: string }) => s.id)).toEqual([wide.id, second.id]);
    expect(all.body.pagination).toEqual({ page: 1, limit: 2, total: 3, totalPages: 2 });
    const ofA = await api("GET", `/api/subscriptions?integrationId=${a}`, { token });
    expect(ofA.body.data.map((s: { id: string }) => s.id)).toEqual([first.id]);
  });
});
