import { permanentFailure as permanent, UpstreamError } from "../../net/upstream-error.ts";
import type { Capability, CapabilityReport, Connector, ConnectorContext } from "../definition.ts";
import { type NetsisClient, netsisClient } from "./client.ts";
import { SALES_ORDER_TYPE, writeOrder } from "./orders.ts";
import type { NetsisCredentials, NetsisSettings } from "./schemas.ts";
import { fetchStockPage } from "./stock.ts";
import { LIST_STREAMS, readListPage } from "./streams.ts";

/**
 * The Netsis connector: three streams — `items` (stock cards), `stock` (balances from
 * TBLSTOKPH through SQL) and `prices` (from the cards) — and sales-order slips. See
 * definition.ts for where each API shape is described.
 */
export function createNetsisConnector(context: ConnectorContext<NetsisCredentials, NetsisSettings>): Connector {
  const client = netsisClient(context);
  const { settings, credentials } = context;
  return {
    fetchPage(stream, cursor, pageSize) {
      if (stream === "stock") return fetchStockPage(client, settings, credentials.dbType, cursor, pageSize);
      const list = Object.hasOwn(LIST_STREAMS, stream) ? LIST_STREAMS[stream] : undefined;
      if (!list) return Promise.reject(permanent(`Netsis has no stream '${stream}'`));
      return readListPage(client, list, cursor, pageSize);
    },
    createOrder: (order) => writeOrder(client, settings, credentials.branchCode, order),
    testConnection: () => capabilities(client, settings, credentials.dbType),
  };
}

/**
 * Logs in afresh, then reads one row each: a stock card, a stock balance (the stock statement,
 * so a server that refuses SQL says so here), a card's prices, and a sales-order slip. Nothing
 * is written: NetOpenX documents no dry run (its only non-storing call computes totals), and a
 * test slip would be a real one. Each check reports Netsis' own words when it fails. Only
 * UpstreamErrors are reported: a rate-limit wait (GuardWait) or a bug of ours propagates.
 */
async function capabilities(
  client: NetsisClient,
  settings: NetsisSettings,
  dbType: NetsisCredentials["dbType"],
): Promise<CapabilityReport> {
  try {
    await client.login();
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const others = ["readItems", "readStock", "readPrices", "writeOrders"] as const;
    return {
      ok: false,
      checks: [
        { capability: "auth", status: "failed", message: error.message },
        ...others.map((capability) => ({
          capability,
          status: "failed" as const,
          message: "not checked: login failed",
        })),
      ],
    };
  }
  const count = async (path: string, what: string, query = {}) => {
    const result = await client.get(path, { limit: 1, offset: 0, ...query });
    const n = result.TotalCount ?? (Array.isArray(result.Data) ? result.Data.length : 0);
    return `${n} ${what}`;
  };
  const probes: [Capability, () => Promise<string>][] = [
    ["readItems", () => count("/Items/", "stock card(s)")],
    [
      "readStock",
      async () => {
        await fetchStockPage(client, settings, dbType, null, 1);
        return "balances are read with SQL through Queries (TBLSTOKPH)";
      },
    ],
    ["readPrices", () => count("/Items/PrimInfo/", "card(s) with sales prices")],
    [
      "writeOrders",
      async () => {
        await client.get("/ItemSlips/", { docType: SALES_ORDER_TYPE, limit: 1, offset: 0 });
        return "order slips can be read; writing is not tried (NetOpenX has no dry run, and a test slip would be a real one)";
      },
    ],
  ];
  const checks: CapabilityReport["checks"] = [{ capability: "auth", status: "ok" }];
  // One after the other: each call takes a slot of the integration's rate limit.
  for (const [capability, probe] of probes) {
    try {
      checks.push({ capability, status: "ok", message: await probe() });
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      checks.push({ capability, status: "failed", message: error.message });
    }
  }
  return { ok: checks.every((c) => c.status === "ok"), checks };
}
