import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.ts";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../src/http/rate-limit.ts";
import { type ApiResponse, api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { awayFromWindowEdge } from "../helpers/rate-limit.ts";
import { platformRequests } from "../helpers/sims.ts";
import { newClientAddress, newMerchant } from "../helpers/unique.ts";
import {
  deliver,
  deliverSeed,
  refusals,
  seedHeaders,
  settled,
  stored,
  webhookIntegration,
  webhookRows,
  webhookView,
} from "../helpers/webhooks.ts";

/** Text in every refused body: neither the answer nor the listing may repeat it. */
const MARKER = "BODY-MARKER-7f3a";
const payload = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ eventType: "inventory.changed", data: { sku: MARKER, stock: 1 }, ...extra });

/** The answer a sender gets, the part of it that must not depend on whether the integration exists. */
const seenBySender = (res: ApiResponse) => ({ status: res.status, code: res.body.code, error: res.body.error });

/** Checks that refusals kept nothing: no event, no push, and no body or signature in what is shown. */
async function nothingKept(id: string, merchant: string, answers: ApiResponse[], signatures: string[]) {
  expect((await webhookRows(id)).events).toBe(0);
  expect((await platformRequests(merchant)).count).toBe(0);
  const shown = [
    ...answers.map((a) => JSON.stringify(a.body)),
    JSON.stringify(await refusals(id)),
    JSON.stringify(await webhookView(id)),
  ].join("\n");
  expect(shown).not.toContain(MARKER);
  for (const s of signatures) expect(shown).not.toContain(s.replace(/^sha256=/, ""));
}

describe("refused deliveries", () => {
  it("refuses a missing signature and a timestamp 301 s off either way, lists each cause, and keeps nothing", async () => {
    const merchant = newMerchant("wh-ref-sig");
    const { id, secret } = await webhookIntegration(merchant);
    const body = payload();

    const { "X-Webhook-Signature": signature = "", ...unsigned } = seedHeaders(secret, body);
    const missing = await deliver(id, body, unsigned);
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe("WEBHOOK_SIGNATURE_MISSING");

    const past = seedHeaders(secret, body, new Date(Date.now() - 301_000).toISOString());
    const future = seedHeaders(secret, body, new Date(Date.now() + 301_000).toISOString());
    const stale = [await deliver(id, body, past), await deliver(id, body, future)];
    for (const res of stale) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("WEBHOOK_TIMESTAMP_STALE");
    }
    // 299 s is within the tolerance.
    const inside = await deliver(id, body, seedHeaders(secret, body, new Date(Date.now() - 299_000).toISOString()));
    expect(inside.status, JSON.stringify(inside.body)).toBe(202);
    await settled(inside.body.data.id);

    const listed = await refusals(id);
    expect(listed).toHaveLength(2);
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cause: "missing_signature", count: 1, message: expect.any(String) }),
        expect.objectContaining({ cause: "stale_timestamp", count: 2, message: expect.any(String) }),
      ]),
    );
    expect((await webhookView(id)).refusedLast24h).toEqual({ missing_signature: 1, stale_timestamp: 2 });
    // The one event stored is the accepted one.
    expect((await webhookRows(id)).events).toBe(1);
    const shown = JSON.stringify([missing.body, ...stale.map((s) => s.body), listed]);
    expect(shown).not.toContain(MARKER);
    for (const h of [signature, past["X-Webhook-Signature"], future["X-Webhook-Signature"]])
      expect(shown).not.toContain(String(h).replace(/^sha256=/, ""));
  });

  it("answers a body over WEBHOOK_MAX_BODY_BYTES 413 before verifying it", async () => {
    const merchant = newMerchant("wh-ref-big");
    const { id, secret } = await webhookIntegration(merchant);
    const body = payload({ padding: "x".repeat(3000) });
    const headers = seedHeaders(secret, body);
    const res = await api("POST", `/webhooks/${id}`, {
      rawBody: body,
      headers,
      env: { WEBHOOK_MAX_BODY_BYTES: "2048" },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.body.error).toMatch(/2048/);
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "too_large", count: 1 })]);
    expect((await webhookView(id)).refusedLast24h).toEqual({ too_large: 1 });
    await nothingKept(id, merchant, [res], [headers["X-Webhook-Signature"] ?? ""]);

    // A body of exactly the limit is taken.
    const exact = payload({ padding: "" });
    const fill = JSON.stringify({ ...JSON.parse(exact), padding: "y".repeat(2048 - exact.length) });
    expect(new TextEncoder().encode(fill).length).toBe(2048);
    const atLimit = await api("POST", `/webhooks/${id}`, {
      rawBody: fill,
      headers: seedHeaders(secret, fill),
      env: { WEBHOOK_MAX_BODY_BYTES: "2048" },
    });
    expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(202);
    // The big delivery under the default limit is taken: nothing of it was remembered.
    const taken = await deliver(id, body, headers);
    expect(taken.status, JSON.stringify(taken.body)).toBe(202);
  });

  it("refuses a signed body that is not JSON (400 MALFORMED_REQUEST), has no eventType or an empty batch (400 VALIDATION_ERROR)", async () => {
    const merchant = newMerchant("wh-ref-json");
    const { id, secret } = await webhookIntegration(merchant);
    const notJson = `{"eventType": "inventory.changed", "data": {"sku": "${MARKER}"`;
    const notJsonHeaders = seedHeaders(secret, notJson);
    const unparsable = await deliver(id, notJson, notJsonHeaders);
    expect(unparsable.status).toBe(400);
    expect(unparsable.body.code).toBe("MALFORMED_REQUEST");

    const noType = JSON.stringify({ data: { sku: MARKER, stock: 1 } });
    const noTypeHeaders = seedHeaders(secret, noType);
    const invalid = await deliver(id, noType, noTypeHeaders);
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe("VALIDATION_ERROR");
    expect(invalid.body.error).toMatch(/eventType/);

    // An empty batch has nothing to apply: said at once, rather than stored as an event with no reason.
    const empty = JSON.stringify({ eventType: "inventory.changed", data: [] });
    const emptyHeaders = seedHeaders(secret, empty);
    const nothing = await deliver(id, empty, emptyHeaders);
    expect(nothing.status).toBe(400);
    expect(nothing.body.code).toBe("VALIDATION_ERROR");
    expect(nothing.body.error).toMatch(/empty list/);

    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "unparsable", count: 3 })]);
    expect((await webhookView(id)).refusedLast24h).toEqual({ unparsable: 3 });
    await nothingKept(
      id,
      merchant,
      [unparsable, invalid, nothing],
      [
        notJsonHeaders["X-Webhook-Signature"] ?? "",
        noTypeHeaders["X-Webhook-Signature"] ?? "",
        emptyHeaders["X-Webhook-Signature"] ?? "",
      ],
    );
  });

  it("answers 503 with Retry-After while the integration is paused, keeps nothing, and takes the retry once resumed", async () => {
    const merchant = newMerchant("wh-ref-paused");
    const { id, secret } = await webhookIntegration(merchant);
    const token = await admin();
    const patch = (status: string) => api("PATCH", `/api/integrations/${id}`, { token, body: { status } });
    expect((await patch("paused")).status).toBe(200);

    const body = JSON.stringify({ eventType: "inventory.changed", data: { sku: "PAUSED-1", stock: 2 } });
    const headers = seedHeaders(secret, body);
    const paused = await deliver(id, body, headers);
    expect(paused.status).toBe(503);
    expect(paused.body.code).toBe("SERVICE_UNAVAILABLE");
    expect(Number(paused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "paused", count: 1 })]);
    expect((await webhookView(id)).refusedLast24h).toEqual({ paused: 1 });
    expect((await webhookRows(id)).events).toBe(0);
    expect((await platformRequests(merchant)).count).toBe(0);

    expect((await patch("active")).status).toBe(200);
    const retried = await deliver(id, body, headers);
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect((await settled(retried.body.data.id)).status).toBe("processed");
  });

  it("answers an unknown integration exactly as a known one with a wrong signature", async () => {
    const merchant = newMerchant("wh-ref-unknown");
    const { id } = await webhookIntegration(merchant);
    const body = payload();
    const forged = seedHeaders("whsec_not-the-secret", body);
    const known = await deliver(id, body, forged);
    expect(known.status).toBe(401);
    expect(known.body.code).toBe("WEBHOOK_SIGNATURE_INVALID");

    const unknownId = newId("int");
    for (const other of [unknownId, "not-an-integration"]) {
      const unknown = await deliver(other, body, forged);
      expect(seenBySender(unknown)).toEqual(seenBySender(known));
      expect(unknown.headers.get("Retry-After")).toBe(known.headers.get("Retry-After"));
    }
    expect(await countRefusals(unknownId)).toBe(0);
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "bad_signature", count: 1 })]);

    // So is a Standard Webhooks integration with a wrong signature.
    const standard = await webhookIntegration(newMerchant("wh-ref-unknown-std"), { scheme: "standard" });
    const stdHeaders = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
      "webhook-signature": `v1,${btoa("x".repeat(32))}`,
    };
    expect(seenBySender(await deliver(unknownId, body, stdHeaders))).toEqual(
      seenBySender(await deliver(standard.id, body, stdHeaders)),
    );
    await nothingKept(id, merchant, [known], [forged["X-Webhook-Signature"] ?? ""]);
  });

  it("answers a body over the limit 413 whether or not the integration exists", async () => {
    const { id, secret } = await webhookIntegration(newMerchant("wh-ref-big-unknown"));
    const body = payload({ padding: "x".repeat(3000) });
    const headers = seedHeaders(secret, body);
    const small = { WEBHOOK_MAX_BODY_BYTES: "2048" };
    const known = await api("POST", `/webhooks/${id}`, { rawBody: body, headers, env: small });
    const unknown = await api("POST", `/webhooks/${newId("int")}`, { rawBody: body, headers, env: small });
    expect(known.status).toBe(413);
    expect(seenBySender(unknown)).toEqual(seenBySender(known));
  });

  it("stores an unknown event type as unsupported, lists it, counts it as unknown_type and refuses its replay", async () => {
    const merchant = newMerchant("wh-ref-type");
    const { id, secret } = await webhookIntegration(merchant);
    const res = await deliverSeed(id, secret, { eventType: "customer.created", data: { code: "C-1" } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({ status: "unsupported", duplicate: false });
    const eventId = res.body.data.id as string;
    await stored(eventId);

    const token = await admin();
    const listed = await api("GET", `/api/integrations/${id}/events?status=unsupported`, { token });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: eventId, type: "customer.created", status: "unsupported" }),
    ]);
    const detail = await api("GET", `/api/events/${eventId}`, { token });
    expect(detail.body.data).toMatchObject({
      status: "unsupported",
      error: expect.stringMatching(/customer\.created/),
      payload: { eventType: "customer.created", data: { code: "C-1" } },
    });
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "unknown_type", count: 1 })]);
    expect((await webhookView(id)).refusedLast24h).toEqual({ unknown_type: 1 });

    const replay = await api("POST", `/api/events/${eventId}/replay`, { token });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe("CONFLICT");
    expect((await api("GET", `/api/events/${eventId}`, { token })).body.data.status).toBe("unsupported");
    expect((await platformRequests(merchant)).count).toBe(0);
  });
});

describe("unsupported events", () => {
  it("counts an unknown type once: its redelivery is a duplicate, not another refusal", async () => {
    const { id, secret } = await webhookIntegration(newMerchant("wh-ref-type-dup"));
    const body = JSON.stringify({ eventType: "customer.created", eventId: "cust-1", data: { code: "C-2" } });
    const headers = seedHeaders(secret, body);
    const first = await deliver(id, body, headers);
    expect(first.status).toBe(202);
    const again = await deliver(id, body, headers);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: first.body.data.id, duplicate: true });
    expect((await stored(first.body.data.id)).duplicates).toBe(1);
    expect(await refusals(id)).toEqual([expect.objectContaining({ cause: "unknown_type", count: 1 })]);
    expect((await webhookRows(id)).events).toBe(1);
  });
});

describe("the refusal rate limit", () => {
  // The real Rate Limiting binding with 3 a minute (vitest.config.ts), in place of the production one.
  const tight = { WEBHOOK_REFUSAL_LIMIT: env.TEST_TIGHT_RATE_LIMIT };
  // Each burst must fall in one window of the binding to reach its limit.
  beforeEach(() => awayFromWindowEdge());

  it("answers the 4th bad delivery from a client 429 with Retry-After; a signed delivery from another client is taken", async () => {
    const merchant = newMerchant("wh-ref-rate");
    const { id, secret } = await webhookIntegration(merchant);
    const ip = newClientAddress();
    const body = payload();
    const forged = { ...seedHeaders("whsec_wrong", body), "cf-connecting-ip": ip };
    const send = (headers: Record<string, string>, b = body) =>
      api("POST", `/webhooks/${id}`, { rawBody: b, headers, env: tight });

    for (let i = 0; i < 3; i++) expect((await send(forged)).status).toBe(401);
    const limited = await send(forged);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("RATE_LIMITED");
    expect(limited.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));

    const good = JSON.stringify({ eventType: "inventory.changed", data: { sku: "RATE-1", stock: 4 } });
    const taken = await send({ ...seedHeaders(secret, good), "cf-connecting-ip": newClientAddress() }, good);
    expect(taken.status, JSON.stringify(taken.body)).toBe(202);
    expect((await settled(taken.body.data.id)).status).toBe("processed");

    expect(await refusals(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cause: "bad_signature", count: 3 }),
        expect.objectContaining({ cause: "rate_limited", count: 1 }),
      ]),
    );
    expect((await webhookRows(id)).events).toBe(1);
  });

  it("limits refusals per integration too: a flood spread over many addresses is stopped", async () => {
    const { id } = await webhookIntegration(newMerchant("wh-ref-rate-int"));
    const body = payload();
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const headers = { ...seedHeaders("whsec_wrong", body), "cf-connecting-ip": newClientAddress() };
      answers.push((await api("POST", `/webhooks/${id}`, { rawBody: body, headers, env: tight })).status);
    }
    expect(answers).toEqual([401, 401, 401, 429, 429]);
    expect((await webhookRows(id)).events).toBe(0);
  });
});

async function countRefusals(integrationId: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM webhook_refusals WHERE integration_id = ?")
    .bind(integrationId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
