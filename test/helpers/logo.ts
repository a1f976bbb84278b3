import { expect } from "vitest";
import type { Connector, SourcePage } from "../../src/connectors/definition.ts";
import { type BindOptions, boundConnector } from "./connectors.ts";
import { SIMS } from "./sims.ts";
import { newMerchant } from "./unique.ts";

/** A fresh Logo ERP on the simulator (every tenant is its own, created on first use). */
export const newLogoTenant = (label: string) => newMerchant(`logo-${label}`);

export const logoEndpoint = (tenant: string) => `${SIMS}/logo/${tenant}/api/v1`;

/** Calls a `/logo/{tenant}/__sim/...` control and returns its JSON. */
export async function logoSim<T = any>(tenant: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SIMS}/logo/${tenant}/__sim${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
  });
  expect(res.status, `${method} __sim${path}`).toBeLessThan(300);
  return (res.status === 204 ? null : await res.json()) as T;
}

export const configureLogo = (tenant: string, config: Record<string, unknown>) =>
  logoSim(tenant, "PUT", "/config", config);

export const logoStats = (tenant: string) =>
  logoSim<{
    logins: number;
    requests: number;
    byEndpoint: Record<string, number>;
    tokens: number;
    orders: number;
    hosts: Record<string, number>;
  }>(tenant, "GET", "/stats");

export const touchLogo = (tenant: string, body: { codes?: string[]; count?: number; at?: string }) =>
  logoSim<{ touched: string[] }>(tenant, "POST", "/touch", body);

/** The credentials of the simulator's default user, for `tenant`. */
export const logoCredentials = (tenant: string, overrides: Record<string, unknown> = {}) => ({
  endpoint: logoEndpoint(tenant),
  username: "logo",
  password: "logo-pass",
  firmNo: 1,
  ...overrides,
});

/** The Logo connector bound to `tenant` (see `boundConnector`). */
export const logoConnector = (tenant: string, options: BindOptions = {}): Connector =>
  boundConnector(
    "logo",
    { id: options.integrationId ?? `int_${tenant}`, merchantId: tenant },
    logoCredentials(tenant, options.credentials),
    options,
  );

export interface ReadResult {
  rows: Record<string, unknown>[];
  malformed: SourcePage["malformed"];
  pages: SourcePage[];
  watermark: string | null;
}

/**
 * Reads a stream to its end, page by page, as the sync engine would; `between` runs after each
 * page but the last (to change the ERP during a run).
 */
export async function readStream(
  connector: Connector,
  stream: string,
  pageSize: number,
  options: { since?: string | null; between?: (pages: number, sofar: ReadResult) => Promise<void> } = {},
): Promise<ReadResult> {
  const result: ReadResult = { rows: [], malformed: [], pages: [], watermark: null };
  let cursor: string | null = null;
  do {
    const since = result.pages.length === 0 ? (options.since ?? null) : null;
    const page: SourcePage = await connector.fetchPage(stream, cursor, pageSize, { since });
    result.pages.push(page);
    result.rows.push(...page.rows);
    result.malformed.push(...page.malformed);
    result.watermark = page.watermark ?? result.watermark;
    cursor = page.nextCursor;
    if (cursor && options.between) await options.between(result.pages.length, result);
    if (result.pages.length > 10_000) throw new Error("readStream: too many pages");
  } while (cursor);
  return result;
}

/** `INTERNAL_REFERENCE`s of rows, sorted. */
export const refsOf = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Number(r.INTERNAL_REFERENCE)).sort((a, b) => a - b);

/** A row's modification (or, with "CREATED", creation) time as `YYYY-MM-DDTHH:MM:SS`. */
export const changeTimeOf = (row: Record<string, unknown>, stamp: "MODIFIED" | "CREATED" = "MODIFIED") =>
  `${String(row[`DATE_${stamp}`]).slice(0, 10)}T${[row[`HOUR_${stamp}`], row[`MIN_${stamp}`], row[`SEC_${stamp}`]]
    .map((n) => String(n).padStart(2, "0"))
    .join(":")}`;

/** A Logo item reference that is a catalogue item (material classes, every 41st, are not). */
export const isCatalogueRef = (ref: number) => ref % 41 !== 0;

/** The references of a catalogue of `n` items, as the simulator serves them (gaps included). */
export const catalogueRefs = (n: number) => Array.from({ length: n }, (_, k) => k + 1).filter(isCatalogueRef);

/** What `promise` fails with (a test of a failure fails if it resolves). */
export const failureOf = (promise: Promise<unknown>) =>
  promise.then(() => expect.fail("should have failed")).catch((e) => e);

/** What the Logo simulator holds for an item: its card, stock per warehouse, price rows, whether deleted. */
export const logoItemTruth = (tenant: string, code: string) =>
  logoSim<
    Record<string, any> & {
      onHand: { total: number; byWarehouse: Record<string, number> };
      prices: any[];
      deleted: boolean;
    }
  >(tenant, "GET", `/items/${encodeURIComponent(code)}`);

/** Appends `count` new items to the Logo simulator (created at `at`, never modified). */
export const createLogoItems = (tenant: string, body: { count: number; at?: string }) =>
  logoSim<{ created: string[] }>(tenant, "POST", "/create", body);

/** Deletes items (cards, prices and stock) from the Logo simulator. */
export const deleteLogoItems = (tenant: string, codes: string[]) =>
  logoSim<{ deleted: string[] }>(tenant, "POST", "/delete", { codes });

/** Makes items passive (ACTIVE 1) or active again (ACTIVE 0) in the Logo simulator. */
export const setLogoItemsActive = (tenant: string, codes: string[], active: boolean) =>
  logoSim<Record<string, string[]>>(tenant, "POST", active ? "/activate" : "/deactivate", { codes });

/** The sales orders the Logo simulator stored. */
export const logoOrders = (tenant: string) =>
  logoSim<{ count: number; orders: Record<string, any>[] }>(tenant, "GET", "/orders");
