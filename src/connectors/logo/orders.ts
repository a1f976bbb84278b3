import type { PlatformOrder } from "../definition.ts";
import type { LogoClient } from "./client.ts";
import { permanent } from "./errors.ts";

/**
 * Writes a platform order as a Logo sales order, at most once per order number. Logo itself
 * accepts a second order with the same NUMBER, so the number is looked up first: found, its
 * reference is returned with `created: false`. The look-up and the write are two calls, so two
 * writers of one order must not run at once; the gateway's order export holds a per-order lease.
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
    q: `NUMBER eq '${order.orderNumber.replaceAll("'", "''")}'`,
    sort: "INTERNAL_REFERENCE",
    limit: 1,
  });
  const existing = found.items[0];
  if (existing) return { erpOrderId: referenceOf(existing, "GET /salesOrders"), created: false };
  const created = await client.post("/salesOrders", toLogoOrder(order));
  return { erpOrderId: referenceOf(created, "POST /salesOrders"), created: true };
}

/** The body of `POST /salesOrders`: material lines (TYPE 0) with the platform's prices and VAT. */
export function toLogoOrder(order: PlatformOrder) {
  return {
    NUMBER: order.orderNumber,
    ARP_CODE: order.customerCode,
    DATE: erpDate(order.createdAt),
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

/** The order's day in the ERP's local time (Turkey, UTC+3 all year), `YYYY-MM-DD`. */
function erpDate(createdAt: string): string {
  const at = Date.parse(createdAt);
  if (Number.isNaN(at)) throw permanent(`the order's createdAt '${createdAt}' is not a date`);
  return new Date(at + 3 * 3_600_000).toISOString().slice(0, 10);
}

function referenceOf(record: Record<string, unknown>, what: string): string {
  const ref = record.INTERNAL_REFERENCE;
  if ((typeof ref === "number" && Number.isSafeInteger(ref)) || (typeof ref === "string" && ref !== "")) {
    return String(ref);
  }
  throw permanent(`Logo ${what} answered without an INTERNAL_REFERENCE`);
}
