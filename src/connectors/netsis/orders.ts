import { UpstreamError } from "../../net/upstream-error.ts";
import type { PlatformOrder } from "../definition.ts";
import type { NetsisClient } from "./client.ts";
import type { NetsisSettings } from "./streams.ts";

/** JTFaturaTip of a customer order (müşteri siparişi): what a platform order is in Netsis. */
export const SALES_ORDER_TYPE = 7;

// Netsis dates are Turkish local dates; Türkiye keeps UTC+3 all year since 2016.
const TURKEY_OFFSET_MS = 3 * 3_600_000;

/**
 * Writes a platform order as a Netsis sales-order slip, exactly once per order number:
 * Netsis stores a second slip with the same FATIRS_NO as a duplicate, so the slip is looked up
 * first (`GET /ItemSlips?fatirsNo=`) and only written when there is none. Two calls for one
 * order must not run concurrently (the caller's single flight), or both may write.
 */
export async function writeOrder(
  client: NetsisClient,
  settings: NetsisSettings,
  branchCode: number,
  order: PlatformOrder,
): Promise<{ erpOrderId: string; created: boolean }> {
  const currency = settings.currency ?? "TRY";
  if (order.currency !== currency) {
    throw new UpstreamError(
      "connector",
      `Order ${order.orderNumber} is in ${order.currency}; this Netsis integration writes orders in ${currency}`,
      { retryable: false },
    );
  }
  const existing = await client.get<unknown>("/ItemSlips", { fatirsNo: order.orderNumber });
  const found = Array.isArray(existing.Data) ? existing.Data.length : (existing.TotalCount ?? 0);
  if (found > 0) return { erpOrderId: order.orderNumber, created: false };

  const result = await client.post<{ FATIRS_NO?: unknown } | null>(
    "/ItemSlips",
    {},
    slipOf(order, settings, branchCode),
  );
  const number = result.Data?.FATIRS_NO;
  return { erpOrderId: typeof number === "string" && number !== "" ? number : order.orderNumber, created: true };
}

function slipOf(order: PlatformOrder, settings: NetsisSettings, branchCode: number) {
  return {
    FatUst: header(order.orderNumber, order.customerCode, turkishDate(order.createdAt, order.orderNumber), branchCode),
    Kalems: order.lines.map((line) => ({
      StokKodu: line.sku,
      DEPO_KODU: settings.warehouseCode ?? 0,
      STra_GCMIK: line.quantity,
      STra_BF: line.unitPrice,
      STra_KDV: line.vatRate,
    })),
  };
}

/**
 * The slip that `POST /ItemSlips?validateOnly=true` checks for a connection test: a header
 * without lines, which Netsis validates (token, permission to write slips, header) without
 * storing anything.
 */
export function probeSlip(branchCode: number) {
  const today = turkishDate(new Date().toISOString(), "probe");
  return { FatUst: header("IGWPROBE", "IGW-PROBE", today, branchCode), Kalems: [] };
}

function header(number: string, customerCode: string, date: string, branchCode: number) {
  return {
    Sube_Kodu: branchCode,
    CariKod: customerCode,
    Tarih: date,
    Tip: SALES_ORDER_TYPE,
    FATIRS_NO: number,
    KDV_DAHILMI: false,
  };
}

/** `2024-01-20T22:30:00Z` → `2024-01-21` (the date in Türkiye). */
function turkishDate(createdAt: string, orderNumber: string): string {
  const at = Date.parse(createdAt);
  if (Number.isNaN(at)) {
    throw new UpstreamError("connector", `Order ${orderNumber} has an unreadable createdAt: ${createdAt}`, {
      retryable: false,
    });
  }
  return new Date(at + TURKEY_OFFSET_MS).toISOString().slice(0, 10);
}
