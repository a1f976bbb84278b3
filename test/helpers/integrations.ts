import { expect, vi } from "vitest";
import { api } from "./api.ts";
import { admin } from "./auth.ts";
import { type RunBody, waitForRun } from "./sims.ts";

/**
 * Creates an integration through the API as an admin and returns its id. Tests that sync
 * pass `type: "webhook"` so that no polling cron picks the integration up behind their back.
 */
export async function createIntegration(body: Record<string, unknown>): Promise<string> {
  const res = await api("POST", "/api/integrations", { token: await admin(), body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

/** Starts a sync (202) and returns its run id. */
export async function startSync(integrationId: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api("POST", `/api/integrations/${integrationId}/sync`, { token: await admin(), body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.data.runId as string;
}

/** Starts a sync and waits until its run has ended. */
export async function syncToEnd(integrationId: string, body: Record<string, unknown> = {}): Promise<RunBody> {
  return waitForRun(await startSync(integrationId, body));
}

/** Waits for an order to leave `queued` (its export runs on the queue) and returns it as the API shows it. */
export async function orderSettled(orderId: string): Promise<Record<string, any>> {
  const token = await admin();
  return vi.waitUntil(
    async () => {
      const res = await api<{ data: Record<string, any> }>("GET", `/api/orders/${orderId}`, { token });
      return res.body.data.status !== "queued" ? res.body.data : false;
    },
    { timeout: 15_000, interval: 50 },
  );
}
