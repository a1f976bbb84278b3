import { type Catalog, catalogOf, type Row, type SqlType, type TableSource } from "../shared/sql/index.ts";
import { itemIndex } from "./catalogue.ts";
import type { Tenant } from "./state.ts";
import { cardRow, STOKPH_COLUMNS, STSABIT_COLUMNS, stockRows } from "./stock.ts";

/**
 * The company tables `/Queries` reads (rows in stock.ts), as sources of the shared SQL engine:
 * both in STOK_KODU order (codes are zero-padded, so that is index order), rows made while the
 * engine reads them, deleted items left out.
 *
 * The engine narrows scans only on numeric keys; a statement naming its items
 * (`WHERE STOK_KODU = 'NT-000123'`, or `IN (…)`, N3's stock query) would read the whole table.
 * `narrow` lets the caller pass the items such a WHERE names for the table it reads first, so
 * the scan reads just those; the engine still checks the WHERE on every row, so the answer is
 * the same either way.
 */
export interface Narrowing {
  table: "TBLSTOKPH" | "TBLSTSABIT";
  items: readonly number[];
}

const STOKPH_TYPES: Record<string, SqlType> = Object.fromEntries(
  STOKPH_COLUMNS.map((c) => [c, c === "STOK_KODU" ? "text" : c === "SUBE_KODU" || c === "DEPO_KODU" ? "int" : "float"]),
);

const STSABIT_TEXT = /^(STOK_KODU|STOK_ADI|GRUP_KODU|KOD_\d|OLCU_BR\d|KILIT|SATISKILIT|BARKOD\d)$/;
const STSABIT_INT = /^(SUBE_KODU|ISLETME_KODU|DEPO_KODU|SAT_DOV_TIP)$/;
const STSABIT_TYPES: Record<string, SqlType> = Object.fromEntries(
  STSABIT_COLUMNS.map((c) => [c, STSABIT_TEXT.test(c) ? "text" : STSABIT_INT.test(c) ? "int" : "float"]),
);

/** The item indexes to read, in order: `only` when given, else every item. */
function* indexes(state: Tenant, only: readonly number[] | null): Generator<number> {
  if (only) {
    yield* only;
    return;
  }
  for (let i = 1; i <= state.config.items; i++) yield i;
}

export function stokPh(state: Tenant, only: readonly number[] | null = null): TableSource {
  return {
    columns: STOKPH_TYPES,
    key: ["STOK_KODU", "DEPO_KODU"],
    *scan() {
      for (const i of indexes(state, only)) yield* stockRows(state, i) as Row[];
    },
  };
}

export function stSabit(state: Tenant, only: readonly number[] | null = null): TableSource {
  return {
    columns: STSABIT_TYPES,
    key: ["STOK_KODU"],
    *scan() {
      for (const i of indexes(state, only)) if (!state.deleted.has(i)) yield cardRow(state, i) as Row;
    },
  };
}

/** Oracle's one-row table, for `SELECT … FROM DUAL`. */
const DUAL: TableSource = { columns: { DUMMY: "text" }, scan: () => [{ DUMMY: "X" }] };

/** The tables of this tenant's company database, one of them narrowed (see above). */
export function companyTables(state: Tenant, narrow: Narrowing | null): Catalog {
  const only = (table: Narrowing["table"]) => (narrow?.table === table ? narrow.items : null);
  return catalogOf({
    TBLSTOKPH: stokPh(state, only("TBLSTOKPH")),
    TBLSTSABIT: stSabit(state, only("TBLSTSABIT")),
    ...(state.config.dbType === "ORACLE" ? { DUAL } : {}),
  });
}

/** The item indexes named by codes (unknown codes name nothing), sorted and without repeats. */
export function itemsNamed(state: Tenant, codes: readonly string[]): number[] {
  const found = new Set<number>();
  for (const code of codes) {
    const i = itemIndex(code, state.config.items);
    if (i !== null) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}
