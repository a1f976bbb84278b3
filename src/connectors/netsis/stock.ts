import { permanentFailure as permanent } from "../../net/upstream-error.ts";
import type { SourcePage } from "../definition.ts";
import type { NetsisClient } from "./client.ts";
import type { NetsisCredentials, NetsisSettings } from "./schemas.ts";

/**
 * Stock balances through SQL: NetOpenX has no stock resource (N1's URL table has no
 * ItemStocks), and public clients read `GET Queries/?tsql=` on `TBLSTOKPH`, whose rows hold an
 * item's total receipts and issues per depot (N3: `SELECT (TOP_GIRIS_MIK-TOP_CIKIS_MIK) FROM
 * TBLSTOKPH WHERE DEPO_KODU=… AND STOK_KODU='…'`). One statement per page gives the balance of
 * each item — in the depot `warehouseCode`, or summed over every depot row when it is unset
 * (whether TBLSTOKPH also keeps a total row of its own is not public; set `warehouseCode` on an
 * installation that does) — paged by key in the statement (`STOK_KODU > last`, `TOP n` on
 * MSSQL, `FETCH FIRST n ROWS ONLY` on Oracle 12c and later), because whether `Queries` pages at
 * all is not documented. The answer's shape is not documented either (N3 copes with rows as
 * objects, as arrays, and with a bare array instead of the result envelope): all are read, by
 * column name or, for arrays, by position. The stream ends on an empty page.
 */
interface Cursor {
  after: string;
  n: number;
}

export function stockStatement(
  settings: Pick<NetsisSettings, "warehouseCode">,
  dbType: NetsisCredentials["dbType"],
  after: string,
  top: number,
): string {
  const where = [`STOK_KODU > '${after.replaceAll("'", "''")}'`];
  if (settings.warehouseCode !== undefined) where.push(`DEPO_KODU = ${Math.trunc(settings.warehouseCode)}`);
  const body = `STOK_KODU, SUM(TOP_GIRIS_MIK - TOP_CIKIS_MIK) AS BAKIYE FROM TBLSTOKPH WHERE ${where.join(" AND ")} GROUP BY STOK_KODU ORDER BY STOK_KODU`;
  return dbType === "ORACLE" ? `SELECT ${body} FETCH FIRST ${top} ROWS ONLY` : `SELECT TOP ${top} ${body}`;
}

export async function fetchStockPage(
  client: NetsisClient,
  settings: NetsisSettings,
  dbType: NetsisCredentials["dbType"],
  cursor: string | null,
  pageSize: number,
): Promise<SourcePage> {
  const state = cursor === null ? { after: "", n: 0 } : decodeCursor(cursor);
  const result = await client.get("/Queries/", { tsql: stockStatement(settings, dbType, state.after, pageSize) });
  const data = result.Data ?? [];
  if (!Array.isArray(data)) throw permanent("Netsis Queries answered Data that is not a list");
  const rows = data.map(stockRow);
  const malformed: SourcePage["malformed"] = [];
  const good: Record<string, unknown>[] = [];
  rows.forEach((row, index) => {
    if (typeof row.STOK_KODU === "string" && row.STOK_KODU.trim() !== "") good.push(row);
    else malformed.push({ row: state.n + index + 1, reason: "a TBLSTOKPH row without STOK_KODU" });
  });
  // The database's collation ordered the rows: its last one, not JavaScript's idea of the largest.
  const last = (good.at(-1)?.STOK_KODU as string | undefined) ?? state.after;
  return {
    rows: good,
    malformed,
    nextCursor: data.length > 0 ? JSON.stringify({ after: last, n: state.n + data.length }) : null,
    firstRow: state.n + 1,
  };
}

/** A row as `{ STOK_KODU, BAKIYE }`, whatever case or shape the server answered in. */
function stockRow(row: unknown): Record<string, unknown> {
  if (Array.isArray(row)) return { STOK_KODU: row[0], BAKIYE: row[1] };
  if (typeof row !== "object" || row === null) return {};
  const byName = new Map(Object.entries(row).map(([k, v]) => [k.toUpperCase(), v]));
  return { STOK_KODU: byName.get("STOK_KODU"), BAKIYE: byName.get("BAKIYE") };
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(cursor) as Cursor;
    if (typeof value.after === "string" && Number.isSafeInteger(value.n)) return value;
  } catch {
    // fall through
  }
  throw permanent("The Netsis stock cursor of this job is unreadable; start a new sync");
}
