import { UpstreamError } from "../../net/upstream-error.ts";
import type { Capability, CapabilityReport, Connector, ConnectorContext, SourcePage } from "../definition.ts";
import { type LogoClient, logoClient } from "./client.ts";
import { describeError, permanent } from "./errors.ts";
import { type CardFilter, fetchItemsPage } from "./items.ts";
import { createLogoOrder } from "./orders.ts";
import { fetchPricesPage } from "./prices.ts";
import type { LogoCredentials, LogoSettings } from "./schemas.ts";
import { fetchStockPage, type LogoPlace, probeStock } from "./stock.ts";

/**
 * The Logo connector: three streams — `items` (keyset in change order, incremental), `stock`
 * (SQL on the STINVTOT view) and `prices` (one price card per item) — and sales orders. One
 * login per integration is cached until shortly before it expires; a token Logo refuses is
 * replaced once per call. See definition.ts for where each API shape is described.
 */
export function createLogoConnector(context: ConnectorContext<LogoCredentials, LogoSettings>): Connector {
  const { credentials, settings } = context;
  const place: LogoPlace = {
    firmNo: credentials.firmNo,
    periodNo: settings.periodNo,
    warehouseNo: settings.warehouseNo,
  };
  const isCatalogueItem = cardFilter(settings.cardTypes);
  const client = logoClient(context, credentials);
  const rule = { priceListCode: settings.priceListCode, currency: settings.currency };

  return {
    fetchPage(stream, cursor, pageSize, options): Promise<SourcePage> {
      switch (stream) {
        case "items":
          return fetchItemsPage(
            client,
            cursor,
            pageSize,
            options?.since ?? null,
            settings.incrementalOverlapSeconds,
            isCatalogueItem,
          );
        case "stock":
          return fetchStockPage(client, place, cursor, pageSize, isCatalogueItem);
        case "prices":
          return fetchPricesPage(client, rule, cursor, pageSize);
        default:
          return Promise.reject(permanent(`the Logo connector has no stream '${stream}'`));
      }
    },
    createOrder: (order) => createLogoOrder(client, order, settings.currency),
    testConnection: () => testLogoConnection(client, place),
  };
}

/** Catalogue items by CARD_TYPE: the listed ones, or all but material classes (20–22, groupings of items). */
function cardFilter(cardTypes: readonly number[] | undefined): CardFilter {
  return (item) => {
    const type = Number(item.CARD_TYPE);
    if (item.CARD_TYPE === undefined || item.CARD_TYPE === null || !Number.isInteger(type)) return true;
    return cardTypes ? cardTypes.includes(type) : type < 20 || type > 22;
  };
}

/**
 * Logs in afresh, then reads one row each of items, stock (the stock statement the way a sync
 * would, so a service with SQL calls off says so here) and prices, and one sales order. Nothing is written: Logo
 * documents no dry run, and any write would be a real document, so the right to write orders
 * shows only when the first order goes in. Each check reports Logo's own words when it fails;
 * anything that is not Logo answering (a rate-limit wait, a bug) is thrown, not reported.
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
    ["readStock", () => probeStock(client, place)],
    ["readPrices", async () => void (await client.list("/salesItemPrices", { limit: 1 }))],
    [
      "writeOrders",
      async () => {
        await client.list("/salesOrders", { limit: 1 });
        return "sales orders can be read; writing is not tried (Logo has no dry run, and a test order would be a real one)";
      },
    ],
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

const itemCount = (page: { totalCount?: number | undefined }) =>
  typeof page.totalCount === "number" ? `${page.totalCount} item(s)` : undefined;
