import { UpstreamError } from "../../net/upstream-error.ts";
import type { Capability, CapabilityReport, Connector, ConnectorContext } from "../definition.ts";
import { type NetsisClient, netsisClient } from "./client.ts";
import type { NetsisCredentials } from "./login.ts";
import { probeSlip, writeOrder } from "./orders.ts";
import { type NetsisSettings, readPage } from "./streams.ts";

/**
 * Netsis through NetOpenX REST (`{endpoint}` = `…/api/v2`). Known from public clients: the
 * `/token` form, `/Items` with `StokTemelBilgi`/`StokEkBilgi`, `/ItemSlips` with
 * `FatUst`/`Kalems`, and the `{ IsSuccessful, Data, ErrorDesc }` envelope. Where the public
 * shape is unknown, this connector assumes (and simulators/netsis implements exactly):
 *
 * - `/token`: `dbtype` is JNVTTipi's number (0 MSSQL, 1 ORACLE); refusals are 400
 *   `{ error, error_description }`; the token lasts `expires_in` seconds.
 * - Lists take `limit`, `offset` and `sort=<code field>` and answer `TotalCount`.
 * - Stock: `GET /ItemStocks?depoKodu&limit&offset&sort=StokKodu` → `[{ StokKodu, DepoKodu, Bakiye }]`,
 *   one row per item; without `depoKodu` (setting `warehouseCode` unset) the sum of all depots.
 * - Prices: `GET /ItemPrices?limit&offset&sort=StokKodu` → `[{ StokKodu, Fiyat, DovizTipi, KdvDahil }]`
 *   with DovizTipi 0 = TL, 1 = USD, 2 = EUR.
 * - Orders: `GET /ItemSlips?fatirsNo=` → `Data: [slip…]` finds slips by number; a platform
 *   order is a customer-order slip (`Tip` 7) dated in Türkiye, lines with `StokKodu`,
 *   `DEPO_KODU` (setting `warehouseCode`, else 0), `STra_GCMIK`, `STra_BF` and `STra_KDV`;
 *   `POST /ItemSlips?validateOnly=true` validates a slip without storing it.
 * - A bad or expired token is a 401; a missing permission a 403 with `ErrorDesc`.
 *
 * Errors: see `readEnvelope` (client.ts) for the statuses and `isTransient` for which
 * `IsSuccessful: false` answers are retried. Paging is by offset in stock-code order: an item
 * added or deleted during a run may shift one row across a page boundary (read twice or not at
 * all until the next run), which a full sync of a catalogue tolerates.
 */
export function createNetsisConnector(context: ConnectorContext): Connector {
  const client = netsisClient(context);
  const settings = context.settings as NetsisSettings;
  const { branchCode } = context.credentials as unknown as NetsisCredentials;
  return {
    fetchPage: (stream, cursor, pageSize) => readPage(client, settings, stream, cursor, pageSize),
    createOrder: (order) => writeOrder(client, settings, branchCode, order),
    testConnection: () => capabilities(client, settings, branchCode),
  };
}

/**
 * Logs in afresh, then asks for one row of each list and validates a slip without writing it.
 * Each check reports Netsis' own words when it fails. Only UpstreamErrors are reported: a rate
 * limit wait (GuardWait) or a bug of ours is not about the ERP and propagates.
 */
async function capabilities(
  client: NetsisClient,
  settings: NetsisSettings,
  branchCode: number,
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
    ["readItems", () => count("/Items", "item(s)")],
    ["readStock", () => count("/ItemStocks", "stock row(s)", { depoKodu: settings.warehouseCode })],
    ["readPrices", () => count("/ItemPrices", "price(s)")],
    [
      "writeOrders",
      async () => {
        await client.post("/ItemSlips", { validateOnly: "true" }, probeSlip(branchCode));
        return "may write order slips (validated, nothing written)";
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
