import type { PlatformOrder } from "../definition.ts";
import type { LogoClient } from "./client.ts";
import { permanent } from "./errors.ts";

/**
 * Writes a platform order as a Logo sales order (`POST /salesOrders`, L1), at most once per
 * document number. Logo itself stores a second order with the same NUMBER, so the number is
 * looked up first with `GET /salesOrders?q=NUMBER eq '…'` (L5 filters on NUMBER): found, its
 * reference is returned with `created: false`. The look-up and the write are two calls, so two
 * writers of one order must not run at once; the gateway's order export holds a per-order lease.
 * NUMBER is the document number the gateway gave the order — the order number, or where it is
 * longer than Logo's 16 characters (every public sample has 16; the real limit is not
 * documented) a deterministic one that fits (src/orders/document-number.ts).
 */
export async function createLogoOrder(
  client: LogoClient,
  order: PlatformOrder,
  currency: string,
): Promise<{ erpOrderId: string; created: boolean }> {
  // Logo books an order in the firm's currency; prices in another would be booked as if they were in it.
  if (order.currency !== currency) {
    throw permanent(
      `order ${order.orderNumber} is in ${order.currency}; this Logo integration writes orders in ${currency}`,
    );
  }
  const found = await client.list("/salesOrders", {
    q: `NUMBER eq '${order.documentNumber.replaceAll("'", "''")}'`,
    sort: "INTERNAL_REFERENCE",
    offset: 0,
    limit: 1,
  });
  const existing = found.items[0];
  if (existing) return { erpOrderId: referenceOf(existing, "GET /salesOrders"), created: false };
  const created = await client.post("/salesOrders", toLogoOrder(order));
  return { erpOrderId: referenceOf(created, "POST /salesOrders"), created: true };
}

/**
 * The body of `POST /salesOrders` as L1 shows it: NUMBER, DATE, ARP_CODE and material lines
 * (`TYPE` 0) with MASTER_CODE, QUANTITY, PRICE and VAT_RATE. DATE is an ISO datetime: L1's
 * sample sends "02.05.2016" and reads back 2016-02-05, so a dotted date is read month first on
 * some services; ISO is read the same everywhere (L5 sends ISO).
 */
export function toLogoOrder(order: PlatformOrder) {
  return {
    NUMBER: order.documentNumber,
    DATE: `${erpDate(order.createdAt)}T00:00:00`,
    ARP_CODE: order.customerCode,
    TRANSACTIONS: {
      items: order.lines.map((line) => ({
        TYPE: 0,
        MASTER_CODE: line.sku,
        QUANTITY: line.quantity,
        PRICE: line.unitPrice,
        VAT_RATE: line.vatRate,
      })),
    },
  };
}

/** The order's day in the ERP's local time (Türkiye, UTC+3 all year), `YYYY-MM-DD`. */
function erpDate(createdAt: string): string {
  const at = Date.parse(createdAt);
  if (Number.isNaN(at)) throw permanent(`the order's createdAt '${createdAt}' is not a date`);
  return new Date(at + 3 * 3_600_000).toISOString().slice(0, 10);
}

function referenceOf(record: unknown, what: string): string {
  const ref = (record as { INTERNAL_REFERENCE?: unknown } | null)?.INTERNAL_REFERENCE;
  if ((typeof ref === "number" && Number.isSafeInteger(ref) && ref > 0) || (typeof ref === "string" && ref !== "")) {
    return String(ref);
  }
  throw permanent(`Logo ${what} answered without an INTERNAL_REFERENCE`);
}
