import {
  cardType,
  createdAt,
  exists,
  type FieldDef,
  itemCode,
  itemRefs,
  priceOf,
  pricesModifiedAt,
  stampFields,
  unitOf,
} from "./catalogue.ts";
import { dayOf, NEVER } from "./clock.ts";
import { derived, type Tenant } from "./state.ts";

/**
 * Sales price rows (`GET /salesItemPrices`, L2, L5, L6): several per item, as is normal. A row's
 * INTERNAL_REFERENCE is item × 8 + its kind, so rows list by item and kind:
 *
 *   0 general    every item but material classes (CARD_TYPE 22); open dates, PRIORITY 0
 *   1 dated      every 4th: PRIORITY 1, 90 %, expired / future / running by turns
 *   2 customer   every 6th: ARP_CODE 120.01.nnn, 95 %
 *   3 passive    every 10th: ACTIVE 1, an old 80 % price
 *   4 retail     every 8th: GRPCODE RETAIL, 110 %, VAT included
 *
 * CURRENCY (L1): 20 EUR every 40th item, 1 USD every 25th, 160 TL every 9th, 0 TL otherwise.
 * OWNER_TYPE 2 on every row (L5 filters salesItemPrices with OWNER_TYPE eq 2). An open date
 * is 1899-12-30T00:00:00, as Logo writes every empty date (silent: chosen). Items created by
 * `__sim/create` have the general row only; a touch reprices every row and moves its modified time.
 */
const KINDS = [
  { share: 1, factor: 1, definition: "Genel satış fiyatı" },
  { share: 4, factor: 0.9, definition: "Dönemsel fiyat" },
  { share: 6, factor: 0.95, definition: "Cari özel fiyat" },
  { share: 10, factor: 0.8, definition: "Eski fiyat listesi (kullanım dışı)" },
  { share: 8, factor: 1.1, definition: "Perakende fiyatı" },
] as const;
const DAY = 86_400;

const item = (row: number) => Math.floor(row / 8);
const kind = (row: number) => row % 8;

const hasKind = (t: Tenant, ref: number, kind: number) =>
  cardType(ref) !== 22 && (kind === 0 || (!t.created.has(ref) && ref % (KINDS[kind]?.share ?? 0) === 0));

/** The references of the price rows of existing items, ascending. */
export const priceRefs = (t: Tenant): Int32Array =>
  derived(t, "prices", () => {
    const refs: number[] = [];
    for (const ref of itemRefs(t))
      for (let kind = 0; kind < KINDS.length; kind++) if (hasKind(t, ref, kind)) refs.push(ref * 8 + kind);
    return Int32Array.from(refs);
  });

/** Whether a price row of an existing item has this INTERNAL_REFERENCE. */
export const priceExists = (t: Tenant, row: number): boolean =>
  kind(row) < KINDS.length && exists(t, item(row)) && hasKind(t, item(row), kind(row));

/** The price rows of one item. */
export const pricesOf = (t: Tenant, ref: number): Record<string, unknown>[] =>
  KINDS.flatMap((_, kind) => (priceExists(t, ref * 8 + kind) ? [priceRow(t, ref * 8 + kind)] : []));

export const currencyOf = (ref: number): number => (ref % 40 === 0 ? 20 : ref % 25 === 0 ? 1 : ref % 9 === 0 ? 160 : 0);

/** DATE_STARTED, DATE_ENDED of a dated row: expired, not yet started, or running, by turns. */
function validity(t: Tenant, row: number): [string, string] {
  const day = (offset: number) => dayOf(t.epoch + offset * DAY);
  if (kind(row) === 3) return [day(-400), NEVER];
  if (kind(row) !== 1) return [NEVER, NEVER];
  const turn = (item(row) / 4) % 3;
  return turn === 0 ? [day(-90), day(-30)] : turn === 1 ? [day(10), NEVER] : [day(-20), day(60)];
}

const num = (get: FieldDef<number>["get"]): FieldDef<number> => ({ type: "number", get });
const text = (get: FieldDef<number>["get"]): FieldDef<number> => ({ type: "text", get });
const date = (get: FieldDef<number>["get"]): FieldDef<number> => ({ type: "date", get });

/** The fields of a price row (L2's swagger-derived SalesItemPrices): no PTYPE, CODE or LOGICALREF. */
export const PRICE_FIELDS: Record<string, FieldDef<number>> = {
  INTERNAL_REFERENCE: num((_, row) => row),
  CARD_CODE: text((_, row) => itemCode(item(row))),
  CARDREF: num((_, row) => item(row)),
  OWNER_TYPE: num(() => 2),
  ARP_CODE: text((_, row) => (kind(row) === 2 ? `120.01.${String((item(row) % 50) + 1).padStart(3, "0")}` : "")),
  PRICE: num((t, row) => Math.round(priceOf(t, item(row)) * (KINDS[kind(row)]?.factor ?? 1) * 100) / 100),
  UNIT_CODE: text((_, row) => unitOf(item(row))),
  VAT_INCL: num((_, row) => (kind(row) === 4 || item(row) % 3 === 0 ? 1 : 0)),
  CURRENCY: num((_, row) => currencyOf(item(row))),
  PRIORITY: num((_, row) => (kind(row) === 1 ? 1 : 0)),
  DATE_STARTED: date((t, row) => validity(t, row)[0]),
  DATE_ENDED: date((t, row) => validity(t, row)[1]),
  ACTIVE: num((_, row) => (kind(row) === 3 ? 1 : 0)),
  GRPCODE: text((_, row) => (kind(row) === 4 ? "RETAIL" : "")),
  DEFINITION: text((_, row) => KINDS[kind(row)]?.definition ?? ""),
  ...stampFields<number>(
    (t, row) => createdAt(t, item(row)),
    (t, row) => pricesModifiedAt(t, item(row)),
  ),
};

export function priceRow(t: Tenant, row: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(PRICE_FIELDS).map(([name, field]) => [name, field.get(t, row)]));
}
