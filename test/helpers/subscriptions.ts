import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { type ApiResponse, api } from "./api.ts";
import { admin } from "./auth.ts";

/** A public https URL the SSRF policy accepts (nothing is delivered in these tests). */
export const HOOK_URL = "https://hooks.example.com/gateway";

/** A valid Standard Webhooks secret of `bytes` random bytes. */
export function whsec(bytes = 32): string {
  let binary = "";
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary)}`;
}

/** The seed's register call for an integration, answered as it is. */
export async function register(
  integrationId: string,
  body: Record<string, unknown>,
  token?: string,
): Promise<ApiResponse> {
  return api("POST", `/api/integrations/${integrationId}/webhook/register`, { token: token ?? (await admin()), body });
}

/** Subscribes through the seed's register call (201 expected); returns the answer's data, secret included. */
export async function registered(integrationId: string, body: Record<string, unknown> = {}) {
  const res = await register(integrationId, { url: HOOK_URL, events: ["inventory.changed"], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, any> & { id: string; secret: string };
}

/** A merchant-wide subscription (201 expected) made by an admin; returns the answer's data. */
export async function merchantWide(merchantId: string, body: Record<string, unknown> = {}) {
  const res = await api("POST", "/api/subscriptions", {
    token: await admin(),
    body: { merchantId, url: HOOK_URL, events: ["*"], ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, any> & { id: string; secret: string };
}

/** A `subscription_secrets` row as D1 stores it. */
export interface StoredSubscriptionSecret {
  id: string;
  subscription_id: string;
  key_id: string;
  ciphertext: string;
  created_at: number;
  expires_at: number | null;
}

/** The stored secret rows of a subscription, oldest first. */
export async function storedSecrets(subscriptionId: string): Promise<StoredSubscriptionSecret[]> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM subscription_secrets WHERE subscription_id = ? ORDER BY created_at, id",
  )
    .bind(subscriptionId)
    .all<StoredSubscriptionSecret>();
  return results;
}

/** The stored row of a subscription, or null. */
export async function subscriptionRow(id: string): Promise<Record<string, unknown> | null> {
  return env.DB.prepare("SELECT * FROM webhook_subscriptions WHERE id = ?").bind(id).first();
}
