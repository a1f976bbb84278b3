import { permanentFailure as permanent, UpstreamError } from "../../net/upstream-error.ts";
import type { PlatformOrder } from "../definition.ts";
import type { NetsisClient } from "./client.ts";
import type { NetsisSettings } from "./schemas.ts";

/** JTFaturaTip of a customer order (müşteri siparişi, N1: 7): what a platform order is in Netsis. */
export const SALES_ORDER_TYPE = 7;
/** The same type by its enum name, as GetInternalById's key writes it (N1, N3). */
const SALES_ORDER_KEY = "ftSSip";

// Netsis dates are Turkish local dates; Türkiye keeps UTC+3 all year since 2016.
const TURKEY_OFFSET_MS = 3 * 3_600_000;

/**
 * Writes a platform order as a Netsis sales-order slip, exactly once per document number:
 * Netsis stores a second slip with the same FATIRS_NO, so the slip is looked up first and only
 * written when there is none. The look-up is the official one, `GET ItemSlips/{ftSSip;FATIRS_NO;
 * CariKod}/` (N1 `GetInternalById`, as N3 calls it); a list with a `fatirsNo` parameter is not
 * an API — a real server ignores the parameter and answers every slip. Two calls for one order
 * must not run concurrently (the caller's per-order lease), or both may write. FATIRS_NO is the
 * document number the gateway gave the order: FATIRS_NO holds 15 characters (N3), and longer
 * order numbers get a deterministic one that fits (src/orders/document-number.ts).
 */
export async function writeOrder(
  client: NetsisClient,
  settings: NetsisSettings,
  branchCode: number,
  order: PlatformOrder,
): Promise<{ erpOrderId: string; created: boolean }> {
  if (order.currency !== settings.currency) {
    throw permanent(
      `Order ${order.orderNumber} is in ${order.currency}; this Netsis integration writes orders in ${settings.currency}`,
    );
  }
  if (await slipExists(client, order.documentNumber, order.customerCode)) {
    return { erpOrderId: order.documentNumber, created: false };
  }
  const result = await client.post<{ FatUst?: { FATIRS_NO?: unknown }; FATIRS_NO?: unknown } | null>(
    "/ItemSlips/",
    {},
    slipOf(order, settings, branchCode),
  );
  const number = result.Data?.FatUst?.FATIRS_NO ?? result.Data?.FATIRS_NO;
  return { erpOrderId: typeof number === "string" && number !== "" ? number : order.documentNumber, created: true };
}

// How a server says "no such slip" when it answers IsSuccessful false; silent in public material.
const NOT_FOUND = /bulunamad|bulunmuyor|bulunmamakta|mevcut değil|kayıt yok|not found|does not exist|no record/iu;

/**
 * Whether the slip is in Netsis. How a missing slip is answered is not public, so all three
 * plausible answers mean "no": HTTP 404, a success without data, and `IsSuccessful: false` whose
 * words say not found. Any other failure is thrown: a look-up that failed is not a "no", and
 * writing after it could make the order twice.
 */
export async function slipExists(client: NetsisClient, number: string, customerCode: string): Promise<boolean> {
  const key = [SALES_ORDER_KEY, number, customerCode].map(encodeURIComponent).join(";");
  try {
    const found = await client.get<{ FatUst?: { FATIRS_NO?: unknown } } | null>(`/ItemSlips/${key}/`);
    const data = found.Data;
    if (!data || typeof data !== "object") return false;
    const stored = data.FatUst?.FATIRS_NO;
    return stored === undefined || stored === number;
  } catch (error) {
    if (error instanceof UpstreamError && (error.status === 404 || (!error.status && NOT_FOUND.test(error.message)))) {
      return false;
    }
    throw error;
  }
}

/** The slip (N1 models, N2, N3): `FaturaTip` and `FatUst.Tip` 7, lines with quantity, price, VAT (and depot). */
function slipOf(order: PlatformOrder, settings: NetsisSettings, branchCode: number) {
  return {
    FaturaTip: SALES_ORDER_TYPE,
    FatUst: {
      Sube_Kodu: branchCode,
      CariKod: order.customerCode,
      FATIRS_NO: order.documentNumber,
      Tarih: turkishDateTime(order.createdAt, order.orderNumber),
      Tip: SALES_ORDER_TYPE,
      KDV_DAHILMI: false,
    },
    Kalems: order.lines.map((line) => ({
      StokKodu: line.sku,
      // Without a depot setting Netsis takes the card's own depot.
      ...(settings.warehouseCode !== undefined ? { DEPO_KODU: settings.warehouseCode } : {}),
      STra_GCMIK: line.quantity,
      STra_BF: line.unitPrice,
      STra_KDV: line.vatRate,
    })),
  };
}

/** `2024-01-20T22:30:00Z` → `2024-01-21T01:30:00` (local time in Türkiye; .NET reads ISO everywhere). */
function turkishDateTime(createdAt: string, orderNumber: string): string {
  const at = Date.parse(createdAt);
  if (Number.isNaN(at)) throw permanent(`Order ${orderNumber} has an unreadable createdAt: ${createdAt}`);
  return new Date(at + TURKEY_OFFSET_MS).toISOString().slice(0, 19);
}
