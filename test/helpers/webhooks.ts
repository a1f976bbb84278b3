import { env } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { expect } from "vitest";
import { type ApiResponse, api } from "./api.ts";
import { admin } from "./auth.ts";
import { eventually } from "./eventually.ts";

/**
 * Webhook senders for tests. Signatures are made with node:crypto (or the `standardwebhooks`
 * library, in the tests that use it), not with the gateway's own verifier.
 */

/** A CSV integration of `merchantId` with incoming webhooks set up as `webhook`; its id and secret. */
export async function webhookIntegration(
  merchantId: string,
  webhook: Record<string, unknown> = {},
  extra: { connector?: string; credentials?: Record<string, unknown>; settings?: Record<string, unknown> } = {},
): Promise<{ id: string; secret: string }> {
  const res = await api("POST", "/api/integrations", {
    token: await admin(),
    body: {
      merchantId,
      name: `webhooks ${merchantId}`,
      type: "webhook",
      connector: extra.connector ?? "csv",
      credentials: extra.credentials ?? {},
      settings: { ...extra.settings, webhook },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.data.webhookSecret).toMatch(/^whsec_/);
  return { id: res.body.data.id, secret: res.body.data.webhookSecret };
}

/** The seed's scheme: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function seedHeaders(
  secret: string,
  body: string,
  timestamp = new Date().toISOString(),
): Record<string, string> {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return {
    "Content-Type": "application/json",
    "X-Webhook-Timestamp": timestamp,
    "X-Webhook-Signature": `sha256=${signature}`,
  };
}

/** POSTs a webhook to the gateway as a sender would. */
export function deliver(
  integrationId: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
): Promise<ApiResponse> {
  return api("POST", `/webhooks/${integrationId}`, { rawBody: body, headers });
}

/** A seed-signed delivery of `payload`. */
export function deliverSeed(integrationId: string, secret: string, payload: unknown, timestamp?: string) {
  const body = JSON.stringify(payload);
  return deliver(integrationId, body, seedHeaders(secret, body, timestamp));
}

/** GET /api/events/{id} as an admin. */
export async function readEvent(eventId: string) {
  const res = await api("GET", `/api/events/${eventId}`, { token: await admin() });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as {
    status: string;
    outcome: Record<string, unknown> | null;
    error: string | null;
    duplicates: number;
  };
}

/**
 * Waits for an event to be done with (anything but `received`) and returns it. A taken event
 * reaches D1 (and the events API) a moment after its 202: the integration's guard writes the
 * events it holds in batches.
 */
export function settled(eventId: string) {
  return eventually(async () => {
    const event = await findEvent(eventId);
    return event && event.status !== "received" && event;
  });
}

/** Waits for a taken event to be stored (the guard writes it to D1 a moment after the 202). */
export function stored(eventId: string) {
  return eventually(() => findEvent(eventId));
}

/** GET /api/events/{id} as an admin; null while it answers 404. */
async function findEvent(eventId: string) {
  const res = await api("GET", `/api/events/${eventId}`, { token: await admin() });
  if (res.status === 404) return null;
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Awaited<ReturnType<typeof readEvent>>;
}

/** The integration's refusals as the API lists them. */
export async function refusals(integrationId: string) {
  const res = await api("GET", `/api/integrations/${integrationId}/webhook/refusals`, { token: await admin() });
  expect(res.status).toBe(200);
  type Row = { cause: string; count: number; message: string };
  // Counted per hour: a test that runs across the hour sees two rows of a cause, merged here
  // (newest first, so the message is the last refusal's).
  const merged = new Map<string, Row>();
  for (const row of res.body.data as Row[]) {
    const seen = merged.get(row.cause);
    if (seen) seen.count += row.count;
    else merged.set(row.cause, { ...row });
  }
  return [...merged.values()];
}

/** GET /api/integrations/{id}/webhook as an admin: scheme, secrets in force (ids only), refusals per cause. */
export async function webhookView(integrationId: string) {
  const res = await api("GET", `/api/integrations/${integrationId}/webhook`, { token: await admin() });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as {
    url: string;
    scheme: string;
    secrets: { id: string; createdAt: string; expiresAt: string | null }[];
    refusedLast24h: Record<string, number>;
  };
}

/** POST .../webhook/rotate-secret as an admin, optionally with the sender's own secret; the new secret. */
export async function rotate(integrationId: string, secret?: string): Promise<string> {
  const res = await api("POST", `/api/integrations/${integrationId}/webhook/rotate-secret`, {
    token: await admin(),
    ...(secret === undefined ? {} : { body: { secret } }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.secret as string;
}

/** How many rows D1 keeps for an integration's incoming webhooks, per table. */
export async function webhookRows(integrationId: string) {
  const count = async (table: string) => {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE integration_id = ?`)
      .bind(integrationId)
      .first<{ n: number }>();
    return row?.n ?? 0;
  };
  return {
    events: await count("webhook_events"),
    refusals: await count("webhook_refusals"),
    secrets: await count("webhook_secrets"),
    itemVersions: await count("item_versions"),
  };
}

/** HMAC of `content` with node:crypto, as a sender signs. */
export const hmacOf = (algorithm: "sha256" | "sha512", secret: string, content: string, encoding: "hex" | "base64") =>
  createHmac(algorithm, secret).update(content).digest(encoding);
