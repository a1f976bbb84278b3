import { parseSelect, type Select, SqlError } from "../shared/sql/index.ts";

/**
 * The statement as the tenant's database reads it. The shared engine speaks T-SQL, which is
 * what an MSSQL company database (N1's vtMSSQL, the default) runs. An Oracle one (vtOracle)
 * differs where clients notice (silent as to NetOpenX, chosen from how Oracle behaves):
 *
 *   - `FETCH FIRST n ROWS ONLY` and `OFFSET n ROWS [FETCH NEXT n ROWS ONLY]` without ORDER BY
 *     (Oracle 12c) are accepted: the engine allows them only after ORDER BY, so they are taken
 *     off the text here and put on the parsed statement;
 *   - `TOP n` is ORA-00923, as Oracle has no TOP; `DUAL` exists (tables.ts);
 *   - errors carry Oracle's words (ORA-00904 for an unknown column …) and answer columns come
 *     upper-case, as Oracle names unquoted identifiers. Unnamed expressions stay `Column1` …
 *     (Oracle would name them by their text; the engine names them as a DataTable does).
 */
const ORACLE_PAGING = /\s+(?:OFFSET\s+(\d+)\s+ROWS?)?\s*(?:FETCH\s+(?:FIRST|NEXT)\s+(\d+)\s+ROWS?\s+ONLY)?\s*;?\s*$/i;

export function parseFor(dbType: "MSSQL" | "ORACLE", sql: string): Select {
  if (dbType === "MSSQL") return parseSelect(sql);
  const paging = ORACLE_PAGING.exec(sql);
  const hasPaging = paging && (paging[1] !== undefined || paging[2] !== undefined);
  const select = parseSelect(hasPaging ? sql.slice(0, paging.index) : sql);
  if (select.top !== undefined) throw new SqlError(923, "ORA-00923: FROM keyword not found where expected");
  if (hasPaging) {
    if (paging[1] !== undefined) select.offset = Number(paging[1]);
    if (paging[2] !== undefined) select.fetch = Number(paging[2]);
  }
  return select;
}

/** A SQL Server error in Oracle's words, for an Oracle company database. */
export function oracleError(error: SqlError): string {
  if (error.message.startsWith("ORA-")) return error.message;
  const name = /'([^']+)'/.exec(error.message)?.[1] ?? "";
  switch (error.number) {
    case 207:
      return `ORA-00904: "${name.toUpperCase()}": invalid identifier`;
    case 208:
      return "ORA-00942: table or view does not exist";
    case 209:
      return "ORA-00918: column ambiguously defined";
    case 105:
      return "ORA-01756: quoted string not properly terminated";
    case 245:
      return "ORA-01722: invalid number";
    case 8134:
      return "ORA-01476: divisor is equal to zero";
    default:
      return "ORA-00933: SQL command not properly ended";
  }
}
