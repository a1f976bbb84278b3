import { erpNow, formatTime, type Tenant } from "./state.ts";

/**
 * The tenant's material cards, prices and stock, generated on demand from the item's reference
 * (1..items) so that a 100,000-item ERP costs nothing until it is read. Item i always gets the
 * same values; `__sim/touch` changes an item's name and price and moves its change time.
 *
 *   CODE           ITM-000001 …
 *   NAME           Turkish words (ŞşİıĞğÜüÖöÇç), " (rev N)" after N touches
 *   VAT            20, 10 or 1 (the Turkish KDV rates)
 *   UNITSET_CODE   KG for every 5th item (fractional stock), ADET otherwise
 *   change time    spread over the week before the tenant was created, on 20-second slots,
 *                  so that several items often share one second
 *   malformedEvery K: item i with i % K == 0 lacks CODE (odd i / K) or has VAT "abc" (even)
 *   prices         one sales price card per item (LOGICALREF = i, CODE "STD"); CURRENCY 20 (EUR)
 *                  on every 40th item, 1 (USD) on every 25th, 0 (TL) otherwise; VAT_INCL on every 3rd
 *   stock          warehouses 0, 1 and 2; KG items hold fractions of a kilogram
 */
const BRANDS = ["ÇAĞDAŞ", "GÜNEŞ", "DOĞUŞ", "ÖZİŞ", "Işık", "Yıldız"];
const ADJECTIVES = ["Kırmızı", "Yeşil", "Büyük", "Küçük", "Şık", "Çizgili", "İnce", "Ağır", "Doğal"];
const NOUNS = ["Şal", "Çanta", "Kupa", "Tencere", "Gömlek", "Şemsiye", "Çaydanlık", "Öğütücü", "Un", "Şeker"];
const VAT_RATES = [20, 20, 20, 10, 1];
const WEEK = 7 * 86_400;
const SLOT = 20;
export const WAREHOUSES = [0, 1, 2] as const;

export const itemCode = (ref: number): string => `ITM-${String(ref).padStart(6, "0")}`;
const isKg = (ref: number) => ref % 5 === 0;
const version = (t: Tenant, ref: number) => t.touches.get(ref)?.version ?? 0;

/** The item's reference from its CODE, when such an item exists and has its code. */
export function refOfCode(t: Tenant, code: string): number | undefined {
  const match = /^ITM-(\d{6,})$/.exec(code);
  const ref = match ? Number(match[1]) : 0;
  if (ref < 1 || ref > t.config.items || malformation(t, ref) === "code") return undefined;
  return ref;
}

/** ERP-local seconds of the item's last change. */
export function changedAt(t: Tenant, ref: number): number {
  const touched = t.touches.get(ref);
  if (touched) return touched.at;
  const start = Math.floor(t.epoch / SLOT) * SLOT - WEEK;
  return start + (hash(ref, 1) % (WEEK / SLOT)) * SLOT;
}

function malformation(t: Tenant, ref: number): "code" | "vat" | null {
  const every = t.config.malformedEvery ?? 0;
  if (every <= 0 || ref % every !== 0) return null;
  return (ref / every) % 2 === 1 ? "code" : "vat";
}

export const itemName = (t: Tenant, ref: number): string => {
  const base = `${pick(BRANDS, ref, 2)} ${pick(ADJECTIVES, ref, 3)} ${pick(NOUNS, ref, 4)}`;
  const v = version(t, ref);
  return v > 0 ? `${base} (rev ${v})` : base;
};

export const itemVat = (t: Tenant, ref: number): number | string =>
  malformation(t, ref) === "vat" ? "abc" : pick(VAT_RATES, ref, 5);

/** One material card as `GET /items` answers it. */
export function item(t: Tenant, ref: number): Record<string, unknown> {
  const at = formatTime(changedAt(t, ref));
  const card: Record<string, unknown> = {
    INTERNAL_REFERENCE: ref,
    CODE: itemCode(ref),
    NAME: itemName(t, ref),
    VAT: itemVat(t, ref),
    EAN_BARCODE: ean13(ref),
    UNITSET_CODE: isKg(ref) ? "KG" : "ADET",
    DATE_MODIFIED: at.slice(0, 10),
    HOUR_MODIFIED: Number(at.slice(11, 13)),
    MIN_MODIFIED: Number(at.slice(14, 16)),
    SEC_MODIFIED: Number(at.slice(17, 19)),
  };
  if (malformation(t, ref) === "code") delete card.CODE;
  return card;
}

/** The item's sales price: moves up one lira with each touch. */
export const priceOf = (t: Tenant, ref: number): number =>
  (500 + (hash(ref, 6) % 500_000) + 100 * version(t, ref)) / 100;

export const currencyOf = (ref: number): number => (ref % 40 === 0 ? 20 : ref % 25 === 0 ? 1 : 0);

/** One sales price card as `GET /salesItemPrices` answers it. */
export function price(t: Tenant, ref: number): Record<string, unknown> {
  return {
    LOGICALREF: ref,
    CODE: "STD",
    CARD_CODE: itemCode(ref),
    PRICE: priceOf(t, ref),
    CURRENCY: currencyOf(ref),
    VAT_INCL: ref % 3 === 0 ? 1 : 0,
    PTYPE: 2,
  };
}

/** On hand in one warehouse, or in all of them for -1; kilograms to three decimals for KG items. */
export function onHand(ref: number, warehouse: number): number {
  if (warehouse === -1) return round3(WAREHOUSES.reduce((sum: number, w) => sum + onHand(ref, w), 0));
  if (!(WAREHOUSES as readonly number[]).includes(warehouse)) return 0;
  const h = hash(ref, 10 + warehouse);
  return isKg(ref) ? round3((h % 50_000) / 1000) : h % 200;
}

/** Moves the given items to `at` (default: now), bumping their name and price. */
export function touch(t: Tenant, refs: Iterable<number>, at = erpNow()): void {
  for (const ref of refs) t.touches.set(ref, { at, version: version(t, ref) + 1 });
  t.sorted.clear();
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const pick = <T>(list: readonly T[], ref: number, salt: number): T => list[hash(ref, salt) % list.length] as T;

function ean13(ref: number): string {
  const body = `869${String(hash(ref, 7) % 1_000_000_000).padStart(9, "0")}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * (k % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** A 32-bit mix of (ref, salt): the same item gets the same values whatever else is generated. */
function hash(ref: number, salt: number): number {
  let h = Math.imul(ref, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f) ^ 0x9e3779b9;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
