import type { SourcePage } from "../definition.ts";
import { type LogoClient, MAX_PAGE, type Params } from "./client.ts";
import { permanent } from "./errors.ts";

/**
 * Stock and prices, paged by offset. Unlike items they carry no change time to page by key; a
 * row that moves during a run is at worst read twice or in the next run, which the delta absorbs.
 */
export interface LogoPlace {
  firmNo: number;
  periodNo: number;
  warehouseNo: number;
  priceListCode?: string | undefined;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * On hand per item from Logo's `LV_{firm}_{period}_STINVTOT` view, summed over its dates and
 * joined to the item cards for their CODE; INVENNO -1 is every warehouse together.
 */
export function stockQuery(place: LogoPlace): string {
  const firm = pad(place.firmNo, 3);
  return [
    "SELECT S.STOCKREF, I.CODE, SUM(S.ONHAND) AS ONHAND",
    `FROM LV_${firm}_${pad(place.periodNo, 2)}_STINVTOT S`,
    `INNER JOIN LG_${firm}_ITEMS I ON I.LOGICALREF = S.STOCKREF`,
    `WHERE S.INVENNO = ${Math.trunc(place.warehouseNo)}`,
    "GROUP BY S.STOCKREF, I.CODE",
    "ORDER BY S.STOCKREF",
  ].join(" ");
}

/** Sales prices (PTYPE 2), of one price list when `priceListCode` is set, by LOGICALREF. */
export function priceParams(place: LogoPlace): Params {
  const list = place.priceListCode ? ` and CODE eq '${place.priceListCode.replaceAll("'", "''")}'` : "";
  return { q: `PTYPE eq 2${list}`, sort: "LOGICALREF" };
}

/** One page of `path` from the offset in `cursor`. */
export async function fetchOffsetPage(
  client: LogoClient,
  path: string,
  params: Params,
  cursor: string | null,
  pageSize: number,
): Promise<SourcePage> {
  const offset = decodeOffset(cursor);
  const page = await client.list(path, { ...params, offset, limit: Math.min(pageSize, MAX_PAGE) });
  const more = page.next !== null && page.items.length > 0;
  return {
    rows: page.items,
    malformed: [],
    nextCursor: more ? String(offset + page.items.length) : null,
    firstRow: offset + 1,
  };
}

function decodeOffset(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d{1,12}$/.test(cursor)) throw permanent("The Logo cursor of this job is unreadable; start a new sync");
  return Number(cursor);
}
