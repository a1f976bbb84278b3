import { stamp } from "./clock.ts";
import { changed, derived, type Tenant } from "./state.ts";

/**
 * The tenant's material cards, generated on demand from the reference (1..items, then those
 * `__sim/create` appends) so that a 100,000-item ERP costs nothing until it is read. Item i
 * always gets the same values; `__sim` changes are kept apart (state.ts ItemChange).
 *
 *   CODE          ITM-000001 …; NAME Turkish words, " (rev N)" after N touches
 *   CARD_TYPE     12 (product) every 7th, 22 (material class) every 41st, 1 (trading goods) else
 *   UNITSET_CODE  KG every 5th (fractional stock), ADET else; VAT 20, 10 or 1
 *   ACTIVE        1 (passive) every 23rd, 0 else
 *   created       in the year before the tenant's creation
 *   modified      never (1899-12-30) every 3rd and for created items; else in the week before
 *                 the tenant's creation, on 20-second slots so that items share seconds
 *   malformedEvery K: item i with i % K == 0 lacks CODE (odd i / K) or has VAT "abc" (even)
 */
const BRANDS = ["ÇAĞDAŞ", "GÜNEŞ", "DOĞUŞ", "ÖZİŞ", "Işık", "Yıldız"];
const ADJECTIVES = ["Kırmızı", "Yeşil", "Büyük", "Küçük", "Şık", "Çizgili", "İnce", "Ağır", "Doğal"];
const NOUNS = ["Şal", "Çanta", "Kupa", "Tencere", "Gömlek", "Şemsiye", "Çaydanlık", "Öğütücü", "Un", "Şeker"];
const VAT_RATES = [20, 20, 20, 10, 1];
const DAY = 86_400;
const SLOT = 20;

export const itemCode = (ref: number): string => `ITM-${String(ref).padStart(6, "0")}`;
export const isKg = (ref: number): boolean => ref % 5 === 0;
export const unitOf = (ref: number): string => (isKg(ref) ? "KG" : "ADET");
export const cardType = (ref: number): number => (ref % 41 === 0 ? 22 : ref % 7 === 0 ? 12 : 1);

export const exists = (t: Tenant, ref: number): boolean =>
  ((ref >= 1 && ref <= t.config.items) || t.created.has(ref)) && !t.deleted.has(ref);

/** The references of the items that exist, ascending. */
export const itemRefs = (t: Tenant): Int32Array =>
  derived(t, "items", () => {
    const refs = [...Array.from({ length: t.config.items }, (_, k) => k + 1), ...t.created.keys()];
    return Int32Array.from(new Set(refs.filter((ref) => !t.deleted.has(ref)))).sort();
  });

/** The item with this CODE, when it exists and its card has the code. */
export function refOfCode(t: Tenant, code: string): number | undefined {
  const match = /^ITM-(\d{6,})$/.exec(code);
  const ref = match ? Number(match[1]) : 0;
  return exists(t, ref) && malformation(t, ref) !== "code" ? ref : undefined;
}

/** Appends an item created at `at`: the next reference after every item there has been. */
export function createItem(t: Tenant, at: number): number {
  const ref = Math.max(t.config.items, ...t.created.keys(), ...t.deleted) + 1;
  t.created.set(ref, at);
  changed(t);
  return ref;
}

const version = (t: Tenant, ref: number) => t.changes.get(ref)?.version ?? 0;
const neverModified = (t: Tenant, ref: number) => t.created.has(ref) || ref % 3 === 0;

/** ERP seconds of the item's creation. */
export const createdAt = (t: Tenant, ref: number): number =>
  t.created.get(ref) ?? t.epoch - 400 * DAY + (hash(ref, 8) % (390 * DAY));

/** ERP seconds of the card's last modification, null when it was never modified. */
export const modifiedAt = (t: Tenant, ref: number): number | null =>
  t.changes.get(ref)?.cardAt ?? (neverModified(t, ref) ? null : generatedChange(t, ref));

/** ERP seconds its price rows were last modified, null when never. */
export const pricesModifiedAt = (t: Tenant, ref: number): number | null =>
  t.changes.get(ref)?.pricesAt ?? (neverModified(t, ref) ? null : generatedChange(t, ref));

function generatedChange(t: Tenant, ref: number): number {
  const start = Math.floor(t.epoch / SLOT) * SLOT - 7 * DAY;
  return start + (hash(ref, 1) % ((7 * DAY) / SLOT)) * SLOT;
}

export const activeOf = (t: Tenant, ref: number): 0 | 1 => t.changes.get(ref)?.active ?? (ref % 23 === 0 ? 1 : 0);

export function itemName(t: Tenant, ref: number): string {
  const base = `${pick(BRANDS, ref, 2)} ${pick(ADJECTIVES, ref, 3)} ${pick(NOUNS, ref, 4)}`;
  const v = version(t, ref);
  return v > 0 ? `${base} (rev ${v})` : base;
}

/** The item's general sales price: one lira more with each touch. */
export const priceOf = (t: Tenant, ref: number): number =>
  (500 + (hash(ref, 6) % 500_000) + 100 * version(t, ref)) / 100;

function malformation(t: Tenant, ref: number): "code" | "vat" | null {
  const every = t.config.malformedEvery;
  if (every <= 0 || ref % every !== 0) return null;
  return (ref / every) % 2 === 1 ? "code" : "vat";
}

export type FieldType = "number" | "text" | "date";
/** A field of a record read on its own: filters and sorts over 100,000 items read only what they need. */
export interface FieldDef<K> {
  type: FieldType;
  get(t: Tenant, key: K): string | number | null;
}
const num = <K>(get: FieldDef<K>["get"]): FieldDef<K> => ({ type: "number", get });
const text = <K>(get: FieldDef<K>["get"]): FieldDef<K> => ({ type: "text", get });
const date = <K>(get: FieldDef<K>["get"]): FieldDef<K> => ({ type: "date", get });

/** Created and modified fields, as every Logo record has them (L1, L2 BaseEntity). */
export function stampFields<K>(created: (t: Tenant, key: K) => number, modified: (t: Tenant, key: K) => number | null) {
  const at = (k: number) => (t: Tenant, key: K) => stamp(created(t, key))[k] as string | number;
  const mod = (k: number) => (t: Tenant, key: K) => stamp(modified(t, key))[k] as string | number;
  return {
    CREATED_BY: num<K>(() => 1),
    DATE_CREATED: date<K>(at(0)),
    HOUR_CREATED: num<K>(at(1)),
    MIN_CREATED: num<K>(at(2)),
    SEC_CREATED: num<K>(at(3)),
    MODIFIED_BY: num<K>((t, key) => (modified(t, key) === null ? 0 : 1)),
    DATE_MODIFIED: date<K>(mod(0)),
    HOUR_MODIFIED: num<K>(mod(1)),
    MIN_MODIFIED: num<K>(mod(2)),
    SEC_MODIFIED: num<K>(mod(3)),
  };
}

/** The fields of a material card (L2's swagger-derived Item, L5), in the order answers list them. */
export const ITEM_FIELDS: Record<string, FieldDef<number>> = {
  INTERNAL_REFERENCE: num((_, ref) => ref),
  CARD_TYPE: num((_, ref) => cardType(ref)),
  CODE: text((t, ref) => (malformation(t, ref) === "code" ? null : itemCode(ref))),
  NAME: text(itemName),
  VAT: num((t, ref) => (malformation(t, ref) === "vat" ? "abc" : pick(VAT_RATES, ref, 5))),
  UNITSET_CODE: text((_, ref) => unitOf(ref)),
  EAN_BARCODE: text((_, ref) => ean13(ref)),
  // silent: chosen — no public sample shows a value; 0 for every record.
  RECORD_STATUS: num(() => 0),
  ACTIVE: num(activeOf),
  ...stampFields<number>(createdAt, modifiedAt),
};

/** One material card as `GET /items` answers it; a malformed card lacks CODE instead of holding null. */
export function itemCard(t: Tenant, ref: number): Record<string, unknown> {
  const card: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(ITEM_FIELDS)) {
    const value = field.get(t, ref);
    if (value !== null) card[name] = value;
  }
  return card;
}

const pick = <T>(list: readonly T[], ref: number, salt: number): T => list[hash(ref, salt) % list.length] as T;

function ean13(ref: number): string {
  const body = `869${String(hash(ref, 7) % 1_000_000_000).padStart(9, "0")}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * (k % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** A 32-bit mix of (ref, salt): the same item gets the same values whatever else is generated. */
export function hash(ref: number, salt: number): number {
  let h = Math.imul(ref, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f) ^ 0x9e3779b9;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
