import { cardType, exists, hash, isKg } from "./catalogue.ts";
import { dayOf } from "./clock.ts";
import type { Tenant } from "./state.ts";

/**
 * Stock as Logo keeps it (L1, L4, L5, L6): `STINVTOT` holds a row per item, warehouse
 * (INVENNO) and date with that day's movements (ONHAND = PURAMNT − SALAMNT), plus rows with
 * INVENNO −1 summing every warehouse per date — so a SUM over the view without
 * `INVENNO = -1` counts everything twice, as on a real server. On hand is the sum over dates.
 *
 *   warehouses  0 always; 1 for two items in three; 2 for every 4th
 *   dates       1 to 3 of: 300, 60 and 5 days before the tenant's creation
 *   on hand     0..199 (ADET) or 0..49.999 (KG); every 31st item is negative, in warehouse 0 only
 * Material classes (CARD_TYPE 22) and items made by `__sim/create` have no stock rows.
 */
export type StockRow = {
  STOCKREF: number;
  INVENNO: number;
  DATE_: string;
  PURAMNT: number;
  SALAMNT: number;
  ONHAND: number;
  ACTSORDER: number;
};

const DAYS_BEFORE = [300, 60, 5];

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const stocked = (t: Tenant, ref: number) => exists(t, ref) && cardType(ref) !== 22 && !t.created.has(ref);

export function warehousesOf(ref: number): number[] {
  if (ref % 31 === 0) return [0];
  return [0, ...(hash(ref, 11) % 3 !== 0 ? [1] : []), ...(ref % 4 === 0 ? [2] : [])];
}

function target(ref: number, warehouse: number): number {
  const h = hash(ref, 12 + warehouse);
  if (ref % 31 === 0) return isKg(ref) ? -round3((h % 5000) / 1000 + 0.5) : -(1 + (h % 9));
  return isKg(ref) ? round3((h % 50_000) / 1000) : h % 200;
}

/** The rows of one item in the view's key order: INVENNO (−1 first), then date. */
export function stockRows(t: Tenant, ref: number): StockRow[] {
  if (!stocked(t, ref)) return [];
  const dates = DAYS_BEFORE.slice(0, 1 + (hash(ref, 13) % 3)).map((d) => dayOf(t.epoch - d * 86_400));
  const byWarehouse = warehousesOf(ref).map((invenno) => {
    // Later days move a little either way; the first day makes up the rest.
    const later = dates.slice(1).map((_, k) => {
      const h = hash(ref, 20 + invenno * 4 + k);
      return isKg(ref) ? round3(((h % 20_001) - 10_000) / 1000) : (h % 21) - 10;
    });
    const deltas = [round3(target(ref, invenno) - later.reduce((s, d) => s + d, 0)), ...later];
    return deltas.map((delta, k) => row(ref, invenno, dates[k] as string, delta, hash(ref, 40 + invenno * 4 + k)));
  });
  const totals = dates.map((date, k) => {
    const day = byWarehouse.map((rows) => rows[k] as StockRow);
    const sum = (field: "PURAMNT" | "SALAMNT" | "ONHAND" | "ACTSORDER") =>
      round3(day.reduce((s, r) => s + r[field], 0));
    return {
      STOCKREF: ref,
      INVENNO: -1,
      DATE_: date,
      PURAMNT: sum("PURAMNT"),
      SALAMNT: sum("SALAMNT"),
      ONHAND: sum("ONHAND"),
      ACTSORDER: sum("ACTSORDER"),
    };
  });
  return [...totals, ...byWarehouse.flat()];
}

function row(ref: number, invenno: number, date: string, delta: number, h: number): StockRow {
  const sold = isKg(ref) ? (h % 50) / 10 : h % 5;
  return {
    STOCKREF: ref,
    INVENNO: invenno,
    DATE_: date,
    PURAMNT: round3(Math.max(delta, 0) + sold),
    SALAMNT: round3(Math.max(-delta, 0) + sold),
    ONHAND: delta,
    ACTSORDER: h % 3,
  };
}

/** `GNTOTST` (L5): per item and INVENNO (−1 included), summed over the dates. */
export function stockTotals(t: Tenant, ref: number): Omit<StockRow, "DATE_">[] {
  const totals = new Map<number, Omit<StockRow, "DATE_">>();
  for (const { DATE_: _, ...r } of stockRows(t, ref)) {
    const sum = totals.get(r.INVENNO);
    if (!sum) totals.set(r.INVENNO, { ...r });
    else for (const f of ["PURAMNT", "SALAMNT", "ONHAND", "ACTSORDER"] as const) sum[f] = round3(sum[f] + r[f]);
  }
  return [...totals.values()];
}

/** What the ERP holds of an item: in all, and per warehouse. */
export function onHand(t: Tenant, ref: number): { total: number; byWarehouse: Record<string, number> } {
  const rows = stockTotals(t, ref);
  const byWarehouse = Object.fromEntries(rows.filter((r) => r.INVENNO >= 0).map((r) => [String(r.INVENNO), r.ONHAND]));
  return { total: rows.find((r) => r.INVENNO === -1)?.ONHAND ?? 0, byWarehouse };
}
