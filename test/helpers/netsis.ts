import { expect } from "vitest";
import type { Connector, ConnectorContext, PlatformOrder } from "../../src/connectors/definition.ts";
import { bindConnector } from "../../src/connectors/instance.ts";
import { UpstreamError } from "../../src/net/upstream-error.ts";
import { SIMS } from "./sims.ts";

/** A fresh simulated Netsis ERP: every test uses its own tenant. */
export const newTenant = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** The NetOpenX base URL of a tenant, as an integration's `endpoint`. */
export const netsisEndpoint = (tenant: string) => `${SIMS}/netsis/${encodeURIComponent(tenant)}/api/v2`;

const admin = (tenant: string, rest: string, init?: RequestInit) =>
  fetch(`${SIMS}/netsis/${encodeURIComponent(tenant)}/__sim${rest}`, init);

/** Replaces (PUT) or changes (PATCH) the tenant's simulator configuration. */
export async function configureNetsis(tenant: string, config: Record<string, unknown>, method = "PUT") {
  const res = await admin(tenant, "/config", {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(config),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function netsisSlips(tenant: string) {
  return (await (await admin(tenant, "/slips")).json()) as {
    count: number;
    slips: { FATIRS_NO: string; FatUst: Record<string, unknown>; Kalems: Record<string, unknown>[] }[];
  };
}

export async function netsisStats(tenant: string) {
  return (await (await admin(tenant, "/stats")).json()) as {
    logins: number;
    failedLogins: number;
    requests: Record<string, number>;
  };
}

export async function expireNetsisTokens(tenant: string) {
  expect((await admin(tenant, "/expire-tokens", { method: "POST" })).status).toBe(200);
}

/** Credentials matching the simulator's defaults. */
export const netsisCredentials = (tenant: string, overrides: Record<string, unknown> = {}) => ({
  endpoint: netsisEndpoint(tenant),
  username: "netsis",
  password: "netsis-pass",
  branchCode: 0,
  dbName: "TESTDB",
  dbUser: "sa",
  dbPassword: "sa-pass",
  dbType: "MSSQL",
  ...overrides,
});

/** The connector bound to a tenant, as the gateway would bind it (without the guard). */
export function netsisConnector(
  tenant: string,
  options: {
    credentials?: Record<string, unknown>;
    settings?: Record<string, unknown>;
    integrationId?: string;
    fetch?: ConnectorContext["fetch"];
  } = {},
): Connector {
  return bindConnector(
    {
      id: options.integrationId ?? `int-${crypto.randomUUID()}`,
      merchantId: "m-netsis",
      connector: "netsis",
      settings: options.settings ?? {},
    },
    netsisCredentials(tenant, options.credentials),
    { fetch: options.fetch ?? ((url, init) => fetch(url, init)) },
  );
}

/** The UpstreamError a call fails with (and fails the test when it does not fail). */
export async function upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.fail("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/** A platform order for the simulator's generated items (NT-000001 …). */
export const order = (orderNumber: string, overrides: Partial<PlatformOrder> = {}): PlatformOrder => ({
  orderNumber,
  documentNumber: orderNumber,
  customerCode: "120.01.001",
  currency: "TRY",
  createdAt: "2024-01-20T22:30:00Z",
  lines: [
    { sku: "NT-000001", quantity: 2, unitPrice: 149.9, vatRate: 20 },
    { sku: "NT-000005", quantity: 1.5, unitPrice: 80, vatRate: 10 },
  ],
  ...overrides,
});
