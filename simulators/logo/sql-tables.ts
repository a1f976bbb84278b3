import type { Catalog, KeyRange, Row, TableSource } from "../shared/sql/index.ts";
import { activeOf, cardType, itemCode, itemName, itemRefs } from "./catalogue.ts";
import type { Tenant } from "./state.ts";
import { stockRows, stockTotals } from "./stock.ts";

/**
 * The tables `/queries` can read, per firm and period as Logo names them (L1, L4, L5, L6):
 *
 *   LG_fff_pp_STINVTOT, LV_fff_pp_STINVTOT  STOCKREF, INVENNO, DATE_, PURAMNT, SALAMNT, ONHAND, ACTSORDER
 *   LG_fff_pp_GNTOTST, LV_fff_pp_GNTOTST    the same summed over dates, without DATE_
 *   LG_fff_ITEMS                            LOGICALREF, CODE, NAME, CARDTYPE, ACTIVE
 *
 * fff the firm (3 digits), pp the period (2). Any other name — another firm's or period's
 * table too — is "Invalid object name" (208). Rows come in item order and are made as read,
 * so a page `WHERE STOCKREF > n ... ORDER BY STOCKREF` of a 100,000-item ERP reads only that page.
 */
export function logoCatalog(t: Tenant): Catalog {
  const firm = String(t.config.firmNo).padStart(3, "0");
  const period = String(t.config.periodNo).padStart(2, "0");
  const tables: Record<string, () => TableSource> = {
    [`LG_${firm}_${period}_STINVTOT`]: () => stinvtot(t),
    [`LV_${firm}_${period}_STINVTOT`]: () => stinvtot(t),
    [`LG_${firm}_${period}_GNTOTST`]: () => gntotst(t),
    [`LV_${firm}_${period}_GNTOTST`]: () => gntotst(t),
    [`LG_${firm}_ITEMS`]: () => items(t),
  };
  return (name) => tables[name.toUpperCase()]?.();
}

const STOCK_COLUMNS = { PURAMNT: "float", SALAMNT: "float", ONHAND: "float", ACTSORDER: "float" } as const;

const stinvtot = (t: Tenant): TableSource => ({
  columns: { STOCKREF: "int", INVENNO: "int", DATE_: "datetime", ...STOCK_COLUMNS },
  key: ["STOCKREF", "INVENNO", "DATE_"],
  scan: (range) => perItem(t, range, (ref) => stockRows(t, ref)),
});

const gntotst = (t: Tenant): TableSource => ({
  columns: { STOCKREF: "int", INVENNO: "int", ...STOCK_COLUMNS },
  key: ["STOCKREF", "INVENNO"],
  scan: (range) => perItem(t, range, (ref) => stockTotals(t, ref)),
});

const items = (t: Tenant): TableSource => ({
  columns: { LOGICALREF: "int", CODE: "text", NAME: "text", CARDTYPE: "int", ACTIVE: "int" },
  key: ["LOGICALREF"],
  scan: (range) =>
    perItem(t, range, (ref) => [
      {
        LOGICALREF: ref,
        CODE: itemCode(ref),
        NAME: itemName(t, ref),
        CARDTYPE: cardType(ref),
        ACTIVE: activeOf(t, ref),
      },
    ]),
});

/** The rows of each existing item from the range's start on, in reference order. */
function* perItem(t: Tenant, range: KeyRange | undefined, rowsOf: (ref: number) => Row[]): Generator<Row> {
  const refs = itemRefs(t);
  for (let k = firstAtLeast(refs, range?.from?.value ?? 0); k < refs.length; k++) yield* rowsOf(refs[k] as number);
}

/** The index of the first reference ≥ value (binary search). */
function firstAtLeast(refs: Int32Array, value: number): number {
  let lo = 0;
  let hi = refs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((refs[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
