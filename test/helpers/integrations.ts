import { expect } from "vitest";
import { type ApiResponse, api, bodies } from "./api.ts";
import { admin } from "./auth.ts";
import { eventually } from "./eventually.ts";
import { logoCredentials } from "./logo.ts";
import { netsisCredentials } from "./netsis.ts";
import { putFile, type RunBody, waitForRun } from "./sims.ts";

/**
 * Creates an integration through the API as an admin and returns its id. Tests that sync
 * pass `type: "webhook"` so that no polling cron picks the integration up behind their back.
 */
export async function createIntegration(body: Record<string, unknown>): Promise<string> {
  const res = await api("POST", "/api/integrations", { token: await admin(), body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

export interface CsvIntegrationOptions {
  /** A file to serve from the file-host simulator as `<merchantId>.csv`; its URL becomes `credentials.url`. */
  csv?: string | Uint8Array;
  /** Headers the file host answers `csv` with (e.g. a charset). */
  fileHeaders?: Record<string, string>;
  /** Credentials as given (after the `csv` URL, so they may replace it); none makes an upload-only feed. */
  credentials?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  name?: string;
  /** "webhook" unless told: a polling integration is found by the cron, which most tests do not want. */
  type?: string;
  status?: string;
}

/**
 * A CSV integration of `merchantId` (webhook type unless told: no cron polls it), created through the API,
 * reading `options.csv` from the file host when given. Returns its id.
 */
export async function csvIntegration(merchantId: string, options: CsvIntegrationOptions = {}): Promise<string> {
  const url =
    options.csv === undefined ? undefined : await putFile(`${merchantId}.csv`, options.csv, options.fileHeaders);
  return createIntegration({
    merchantId,
    name: options.name ?? `csv ${merchantId}`,
    type: options.type ?? "webhook",
    ...(options.status ? { status: options.status } : {}),
    connector: "csv",
    credentials: { ...(url ? { url } : {}), ...options.credentials },
    ...(options.settings ? { settings: options.settings } : {}),
  });
}

/** Asks for a sync and returns the answer as it is, whatever the status (see `startSync` for a 202). */
export async function trigger(
  integrationId: string,
  body: Record<string, unknown> = {},
  token?: string,
): Promise<ApiResponse> {
  return api("POST", `/api/integrations/${integrationId}/sync`, { token: token ?? (await admin()), body });
}

/** A Logo integration of `merchantId` made from `bodies.logo` (api.ts), as the API answered it. */
export async function createLogo(merchantId: string): Promise<{ id: string; merchantId: string; name: string }> {
  const res = await api("POST", "/api/integrations", { token: await admin(), body: bodies.logo(merchantId) });
  expect(res.status).toBe(201);
  return res.body.data;
}

/** An ERP integration of `merchantId` on a simulator's tenant, webhook type (no cron polls it). */
function erpIntegration(
  connector: "logo" | "netsis",
  merchantId: string,
  credentials: Record<string, unknown>,
  settings: Record<string, unknown>,
): Promise<string> {
  const name = `${connector === "logo" ? "Logo" : "Netsis"} ${merchantId}`;
  return createIntegration({ merchantId, name, type: "webhook", connector, credentials, settings });
}

/** A Logo integration on the simulator's `tenant`, with small pages and a generous rate limit: few, fast pages. */
export const logoIntegration = (merchantId: string, tenant: string, settings: Record<string, unknown> = {}) =>
  erpIntegration("logo", merchantId, logoCredentials(tenant), {
    periodNo: 1,
    pageSize: 50,
    rateLimitRequests: 100,
    ...settings,
  });

/** A Netsis integration on the simulator's `tenant`. */
export const netsisIntegration = (merchantId: string, tenant: string, settings: Record<string, unknown> = {}) =>
  erpIntegration("netsis", merchantId, netsisCredentials(tenant), settings);

/** Starts a sync (202) and returns its run id. */
export async function startSync(integrationId: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await trigger(integrationId, body);
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
  return eventually(async () => {
    const res = await api<{ data: Record<string, any> }>("GET", `/api/orders/${orderId}`, { token });
    return res.body.data.status !== "queued" && res.body.data;
  });
}
