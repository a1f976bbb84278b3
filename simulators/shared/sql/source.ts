import type { SqlType, SqlValue } from "./values.ts";

/** One row of a table: its values by the column names the table declares. */
export type Row = Readonly<Record<string, SqlValue>>;

/** A bound of a key range: rows whose first key column is above (or at, when inclusive) `value`. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

/**
 * What the engine knows from the WHERE clause (or a join's ON) about the first key column:
 * a hint, never a promise. A source may start at `from` instead of the beginning; it need not
 * stop at `to` — the engine stops reading at the first row beyond it.
 */
export interface KeyRange {
  from?: Bound;
  to?: Bound;
}

/**
 * A table as the caller supplies it: rows made on demand, so a large table costs only what a
 * query reads.
 */
export interface TableSource {
  /** Column name → type, as the table declares them; answers use these names for `*`. */
  columns: Readonly<Record<string, SqlType>>;
  /**
   * Columns the rows of `scan` are sorted by, ascending. With a numeric first key column the
   * engine narrows scans to a key range and stops early; ORDER BY and GROUP BY on a key prefix
   * then need no sort. Leave it out when the rows come in no particular order.
   */
  key?: readonly string[];
  /** The rows in `key` order; `range` may let the source skip rows before `range.from`. */
  scan(range?: KeyRange): Iterable<Row>;
}

/**
 * Resolves a table name as written in the statement (the last part of `dbo.X`, brackets
 * removed) to its source, or undefined (the engine answers 208 "Invalid object name").
 * SQL Server compares names case-insensitively; `catalogOf` does that for a fixed set of tables.
 */
export type Catalog = (name: string) => TableSource | undefined;

export function catalogOf(tables: Readonly<Record<string, TableSource>>): Catalog {
  const byName = new Map(Object.entries(tables).map(([name, source]) => [name.toUpperCase(), source]));
  return (name) => byName.get(name.toUpperCase());
}
