import { type FieldDef, ITEM_FIELDS, itemCard, itemRefs } from "./catalogue.ts";
import type { Field } from "./filter.ts";
import type { Table } from "./list.ts";
import { PRICE_FIELDS, priceRefs, priceRow } from "./prices.ts";
import type { Tenant } from "./state.ts";

/** Fields over keys become fields over indices into the keys. */
function overKeys(t: Tenant, keys: ArrayLike<number>, defs: Record<string, FieldDef<number>>): Record<string, Field> {
  return Object.fromEntries(
    Object.entries(defs).map(([name, def]) => [
      name,
      { type: def.type, get: (i: number) => def.get(t, keys[i] as number) },
    ]),
  );
}

/** `GET /items`: the existing material cards by INTERNAL_REFERENCE. */
export function itemsTable(t: Tenant): Table {
  const refs = itemRefs(t);
  return {
    path: "items",
    size: refs.length,
    fields: overKeys(t, refs, ITEM_FIELDS),
    row: (i) => itemCard(t, refs[i] as number),
    ref: (i) => refs[i] as number,
  };
}

/** `GET /salesItemPrices`: every price row of the existing items. */
export function pricesTable(t: Tenant): Table {
  const refs = priceRefs(t);
  return {
    path: "salesItemPrices",
    size: refs.length,
    fields: overKeys(t, refs, PRICE_FIELDS),
    row: (i) => priceRow(t, refs[i] as number),
    ref: (i) => refs[i] as number,
  };
}

/** The header fields of a sales order that `q`, `sort` and `fields` know. */
const ORDER_FIELDS = {
  INTERNAL_REFERENCE: "number",
  TYPE: "number",
  NUMBER: "text",
  DATE: "date",
  TIME: "number",
  ARP_CODE: "text",
  SOURCE_WH: "number",
  TOTAL_GROSS: "number",
  TOTAL_VAT: "number",
  TOTAL_NET: "number",
  ORDER_STATUS: "number",
  DATE_CREATED: "date",
  HOUR_CREATED: "number",
  MIN_CREATED: "number",
  SEC_CREATED: "number",
  DATE_MODIFIED: "date",
  HOUR_MODIFIED: "number",
  MIN_MODIFIED: "number",
  SEC_MODIFIED: "number",
} as const;

/** `GET /salesOrders`: the orders written, by INTERNAL_REFERENCE; lines unexpanded unless `expandLevel=full`. */
export function ordersTable(t: Tenant, render: (order: Record<string, unknown>) => Record<string, unknown>): Table {
  const orders = t.orders;
  const value = (i: number, name: string) => (orders[i]?.[name] ?? null) as string | number | null;
  return {
    path: "salesOrders",
    size: orders.length,
    fields: Object.fromEntries(
      Object.entries(ORDER_FIELDS).map(([name, type]) => [name, { type, get: (i: number) => value(i, name) }]),
    ),
    row: (i) => render(orders[i] as Record<string, unknown>),
    ref: (i) => orders[i]?.INTERNAL_REFERENCE as number,
  };
}
