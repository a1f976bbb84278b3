import { changedAt, currencyOf, item, itemCode, itemName, itemVat, onHand, price, priceOf } from "./catalogue.ts";
import type { Field } from "./query.ts";
import type { Order, Tenant } from "./state.ts";
import type { Table } from "./table.ts";

const num = (get: (index: number) => unknown): Field => ({ type: "number", get });
const text = (get: (index: number) => unknown): Field => ({ type: "string", get });

// Filtering 100,000 items by change time reads the day of each; formatting it once per day keeps that cheap.
const days = new Map<number, string>();
function dayOf(seconds: number): string {
  const day = Math.floor(seconds / 86_400);
  let name = days.get(day);
  if (name === undefined) {
    name = new Date(day * 86_400_000).toISOString().slice(0, 10);
    days.set(day, name);
  }
  return name;
}

/** `GET /items`: material cards, INTERNAL_REFERENCE 1..items. */
export function itemsTable(t: Tenant): Table {
  const at = (index: number) => changedAt(t, index + 1);
  return {
    name: "items",
    size: t.config.items,
    fields: {
      INTERNAL_REFERENCE: num((i) => i + 1),
      CODE: text((i) => item(t, i + 1).CODE),
      NAME: text((i) => itemName(t, i + 1)),
      VAT: num((i) => itemVat(t, i + 1)),
      EAN_BARCODE: text((i) => item(t, i + 1).EAN_BARCODE),
      UNITSET_CODE: text((i) => item(t, i + 1).UNITSET_CODE),
      DATE_MODIFIED: text((i) => dayOf(at(i))),
      HOUR_MODIFIED: num((i) => Math.floor((at(i) % 86_400) / 3600)),
      MIN_MODIFIED: num((i) => Math.floor((at(i) % 3600) / 60)),
      SEC_MODIFIED: num((i) => at(i) % 60),
    },
    row: (i) => item(t, i + 1),
  };
}

/** `GET /salesItemPrices`: one sales price card per item, LOGICALREF = the item's reference. */
export function pricesTable(t: Tenant): Table {
  return {
    name: "salesItemPrices",
    size: t.config.items,
    fields: {
      LOGICALREF: num((i) => i + 1),
      CODE: text(() => "STD"),
      CARD_CODE: text((i) => itemCode(i + 1)),
      PRICE: num((i) => priceOf(t, i + 1)),
      CURRENCY: num((i) => currencyOf(i + 1)),
      VAT_INCL: num((i) => ((i + 1) % 3 === 0 ? 1 : 0)),
      PTYPE: num(() => 2),
    },
    row: (i) => price(t, i + 1),
  };
}

/** The rows of the recognised STINVTOT query: `{ STOCKREF, CODE, ONHAND }` per item, by STOCKREF. */
export function stockTable(t: Tenant, warehouse: number): Table {
  return {
    name: `stock:${warehouse}`,
    size: t.config.items,
    fields: {},
    row: (i) => ({ STOCKREF: i + 1, CODE: itemCode(i + 1), ONHAND: onHand(i + 1, warehouse) }),
  };
}

/** `GET /salesOrders`: the orders written, by INTERNAL_REFERENCE. */
export function ordersTable(t: Tenant): Table {
  const order = (i: number) => t.orders[i] as Order;
  return {
    name: "salesOrders",
    size: t.orders.length,
    fields: {
      INTERNAL_REFERENCE: num((i) => order(i).INTERNAL_REFERENCE),
      NUMBER: text((i) => order(i).NUMBER),
      ARP_CODE: text((i) => order(i).ARP_CODE),
      DATE: text((i) => order(i).DATE),
    },
    row: (i) => ({ ...order(i) }),
  };
}
