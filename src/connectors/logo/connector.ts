import { UpstreamError } from "../../net/upstream-error.ts";
import type { Capability, CapabilityReport, Connector, ConnectorContext, SourcePage } from "../definition.ts";
import { type LogoClient, logoClient } from "./client.ts";
import { describeError, permanent } from "./errors.ts";
import { fetchItemsPage } from "./items.ts";
import { fetchOffsetPage, type LogoPlace, priceParams, stockQuery } from "./offset-streams.ts";
import { createLogoOrder } from "./orders.ts";
import type { LogoCredentials } from "./session.ts";

/**
 * The Logo connector: three streams — `items` (keyset paging in change order, incremental),
 * `stock` (the STINVTOT view through `/queries`) and `prices` (`/salesItemPrices`) — and sales
 * orders. One login per integration is cached and reused until shortly before it expires; a
 * token Logo no longer accepts is replaced once per call. See definition.ts for the API shapes.
 */
export function createLogoConnector(context: ConnectorContext): Connector {
  const credentials = context.credentials as unknown as LogoCredentials;
  const s = context.settings;
  const place: LogoPlace = {
    firmNo: credentials.firmNo,
    periodNo: typeof s.periodNo === "number" ? s.periodNo : 1,
    warehouseNo: typeof s.warehouseNo === "number" ? s.warehouseNo : -1,
    priceListCode: typeof s.priceListCode === "string" ? s.priceListCode : undefined,
  };
  const overlapSeconds = typeof s.incrementalOverlapSeconds === "number" ? s.incrementalOverlapSeconds : 60;
  const currency = typeof s.currency === "string" ? s.currency : "TRY";
  const client = logoClient(context, credentials);

  return {
    fetchPage(stream, cursor, pageSize, options): Promise<SourcePage> {
      switch (stream) {
        case "items":
          return fetchItemsPage(client, cursor, pageSize, options?.since ?? null, overlapSeconds);
        case "stock":
          return fetchOffsetPage(client, "/queries", { tsql: stockQuery(place) }, cursor, pageSize);
        case "prices":
          return fetchOffsetPage(client, "/salesItemPrices", priceParams(place), cursor, pageSize);
        default:
          return Promise.reject(permanent(`the Logo connector has no stream '${stream}'`));
      }
    },
    createOrder: (order) => createLogoOrder(client, order, currency),
    testConnection: () => testLogoConnection(client, place),
  };
}

/**
 * Logs in afresh, then asks for one row of items, stock and prices and for a dry-run order
 * (`validateOnly=true`). Each check reports Logo's own words when it fails, so a user without
 * one right sees exactly which. Anything that is not Logo answering (a rate-limit wait, a bug)
 * is thrown, not reported.
 */
async function testLogoConnection(client: LogoClient, place: LogoPlace): Promise<CapabilityReport> {
  const failure = (error: unknown): string => {
    if (!(error instanceof UpstreamError)) throw error;
    return describeError(error);
  };
  try {
    await client.login();
  } catch (error) {
    const message = failure(error);
    const rest: Capability[] = ["readItems", "readStock", "readPrices", "writeOrders"];
    return {
      ok: false,
      checks: [
        { capability: "auth", status: "failed", message },
        ...rest.map((capability) => ({ capability, status: "failed" as const, message: "not checked: login failed" })),
      ],
    };
  }

  const probes: [Capability, () => Promise<string | undefined>][] = [
    ["readItems", async () => itemCount(await client.list("/items", { limit: 1, withCount: "true" }))],
    ["readStock", async () => void (await client.list("/queries", { tsql: stockQuery(place), limit: 1 }))],
    ["readPrices", async () => void (await client.list("/salesItemPrices", { ...priceParams(place), limit: 1 }))],
    ["writeOrders", async () => void (await client.post("/salesOrders", DRY_RUN_ORDER, { validateOnly: "true" }))],
  ];
  const checks: CapabilityReport["checks"] = [{ capability: "auth", status: "ok" }];
  for (const [capability, probe] of probes) {
    try {
      const message = await probe();
      checks.push({ capability, status: "ok", ...(message ? { message } : {}) });
    } catch (error) {
      checks.push({ capability, status: "failed", message: failure(error) });
    }
  }
  return { ok: checks.every((c) => c.status === "ok"), checks };
}

const itemCount = (page: { totalCount?: number | null }) =>
  typeof page.totalCount === "number" ? `${page.totalCount} item(s)` : undefined;

/** What a connection test asks Logo to validate without writing it. */
const DRY_RUN_ORDER = {
  NUMBER: "GATEWAY-CONNECTION-TEST",
  ARP_CODE: "GATEWAY-CONNECTION-TEST",
  DATE: "2000-01-01",
  TRANSACTIONS: { items: [] },
};
