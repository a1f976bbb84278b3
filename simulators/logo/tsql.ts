/**
 * The one T-SQL statement `GET /queries?tsql=` understands: stock on hand per item from Logo's
 * `LV_{firm:3}_{period:2}_STINVTOT` view (which holds STOCKREF, INVENNO and ONHAND, summed here
 * over its dates), joined to the item cards for their CODE. Keywords and aliases in any case,
 * any whitespace, an optional trailing `;`:
 *
 *   SELECT S.STOCKREF, I.CODE, SUM(S.ONHAND) AS ONHAND
 *   FROM LV_001_01_STINVTOT S INNER JOIN LG_001_ITEMS I ON I.LOGICALREF = S.STOCKREF
 *   WHERE S.INVENNO = -1
 *   GROUP BY S.STOCKREF, I.CODE
 *   ORDER BY S.STOCKREF
 *
 * INVENNO -1 sums every warehouse; 0, 1 or 2 is one warehouse (others have no stock).
 */
export type StockQuery = { firm: number; period: number; itemsFirm: number; warehouse: number };

const STOCK_QUERY = new RegExp(
  [
    "^SELECT (\\w+)\\.STOCKREF,(\\w+)\\.CODE,SUM\\(\\1\\.ONHAND\\)AS ONHAND",
    "FROM LV_(\\d{3})_(\\d{2})_STINVTOT \\1 (?:INNER )?JOIN LG_(\\d{3})_ITEMS \\2 ON \\2\\.LOGICALREF=\\1\\.STOCKREF",
    "WHERE \\1\\.INVENNO=(-?\\d+)",
    "GROUP BY \\1\\.STOCKREF,\\2\\.CODE",
    "ORDER BY \\1\\.STOCKREF$",
  ].join(" "),
);

/** The statement's parts, or null when it is not the stock query. */
export function parseStockQuery(tsql: string): StockQuery | null {
  const normal = tsql
    .toUpperCase()
    .replace(/\s+/g, " ")
    .replace(/\s*([,()=])\s*/g, "$1")
    .replace(/\s*;\s*$/, "")
    .trim();
  const match = STOCK_QUERY.exec(normal);
  if (!match) return null;
  const [, , , firm, period, itemsFirm, warehouse] = match;
  return { firm: Number(firm), period: Number(period), itemsFirm: Number(itemsFirm), warehouse: Number(warehouse) };
}
