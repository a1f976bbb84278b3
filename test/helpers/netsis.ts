import { expect } from "vitest";
import type { Connector, PlatformOrder } from "../../src/connectors/definition.ts";
import { UpstreamError } from "../../src/net/upstream-error.ts";
import { type BindOptions, boundConnector } from "./connectors.ts";
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
    slips: {
      FATIRS_NO: string;
      FaturaTip: number;
      CariKod: string;
      FatUst: Record<string, unknown>;
      Kalems: Record<string, unknown>[];
    }[];
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

/** The Netsis connector bound to `tenant`, as the gateway would bind it (see `boundConnector`). */
export const netsisConnector = (tenant: string, options: BindOptions = {}): Connector =>
  boundConnector(
    "netsis",
    { id: options.integrationId ?? `int-${crypto.randomUUID()}`, merchantId: "m-netsis" },
    netsisCredentials(tenant, options.credentials),
    options,
  );

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

/** The form of a successful login with the simulator's defaults (dbtype left out, as N3 does). */
export const NETSIS_LOGIN: Record<string, string> = {
  grant_type: "password",
  branchcode: "0",
  username: "netsis",
  password: "netsis-pass",
  dbname: "TESTDB",
  dbuser: "sa",
  dbpassword: "sa-pass",
};

/** `POST /token` with the default form, fields replaced or added by `form` (an undefined value drops a field). */
export async function netsisLogin(tenant: string, form: Record<string, string | undefined> = {}) {
  const fields = Object.entries({ ...NETSIS_LOGIN, ...form }).filter((e): e is [string, string] => e[1] !== undefined);
  const res = await fetch(`${netsisEndpoint(tenant)}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A fresh access token for the default user. */
export async function netsisToken(tenant: string, form: Record<string, string | undefined> = {}): Promise<string> {
  const { status, body } = await netsisLogin(tenant, form);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.access_token as string;
}

/** A data call: `path` is relative to `/api/v2` (`/Items?limit=1`); a JSON body is sent as JSON. */
export async function netsisCall(
  tenant: string,
  token: string | null,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${netsisEndpoint(tenant)}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** A test control under `/netsis/{tenant}/__sim` with a JSON body. */
export async function netsisControl(tenant: string, rest: string, body?: unknown, method = "POST") {
  const res = await admin(tenant, rest, {
    method,
    ...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
}

/** The simulator's truth about one item: the card, its stock by depot, whether it was deleted. */
export async function netsisItem(tenant: string, code: string) {
  const res = await admin(tenant, `/items/${encodeURIComponent(code)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    StokTemelBilgi: Record<string, any>;
    StokEkBilgi: Record<string, any>;
    stock: { total: number; byDepot: Record<string, number> };
    deleted: boolean;
  };
}

/** A sales order (FaturaTip 7) as N3 sends it, one line per `[code, quantity, price]`. */
export const netsisSlip = (
  number: string,
  lines: [string, number, number][] = [["NT-000002", 3, 10.5]],
  header: Record<string, unknown> = {},
) => ({
  FaturaTip: 7,
  FatUst: {
    Sube_Kodu: 0,
    CariKod: "120.01.001",
    FATIRS_NO: number,
    Tarih: "2024-01-21 10:30:00",
    Tip: 7,
    TIPI: 7,
    KDV_DAHILMI: false,
    ...header,
  },
  Kalems: lines.map(([StokKodu, STra_GCMIK, STra_BF]) => ({ StokKodu, STra_GCMIK, STra_BF, DEPO_KODU: 1 })),
});

/** How many requests carrying a token or credentials came with each Host. */
export async function netsisHosts(tenant: string): Promise<Record<string, number>> {
  return ((await (await admin(tenant, "/stats")).json()) as { hosts: Record<string, number> }).hosts;
}

/** A fresh tenant, configured when `config` is given, and a token of its default user. */
export async function netsisSession(label: string, config?: Record<string, unknown>) {
  const tenant = newTenant(label);
  if (config) await configureNetsis(tenant, config);
  return { tenant, token: await netsisToken(tenant) };
}
