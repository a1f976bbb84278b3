import { Accumulator, keyOf } from "./aggregates.ts";
import type { Expr } from "./ast.ts";
import { type BoundTable, bindColumn } from "./bind.ts";
import type { AggregateSlot, Condition, RowTuple, Scalar } from "./compile.ts";
import type { Entry } from "./select-list.ts";
import type { ExprType, SqlValue } from "./values.ts";

/**
 * The GROUP BY expressions (by position) that name the first key columns of the first table —
 * at least its first key column — or null. Rows come in key order, so the groups of one value
 * of those columns arrive together, whatever else the GROUP BY names (`GROUP BY S.STOCKREF,
 * I.CODE` over a join): they can be closed when it changes, and a page of them needs no full scan.
 */
export function streamingPrefix(
  groupBy: Expr[],
  tables: readonly BoundTable[],
  key: readonly string[],
): number[] | null {
  const named = groupBy.map((expr) => {
    if (expr.kind !== "column") return null;
    const bound = bindColumn(tables, expr);
    return bound.table === 0 ? bound.column : null;
  });
  let n = 0;
  while (n < key.length && named.includes(key[n] as string)) n++;
  if (n === 0) return null;
  const prefix = key.slice(0, n);
  return named.flatMap((column, position) => (column !== null && prefix.includes(column) ? [position] : []));
}

/**
 * The groups of a grouped query, HAVING applied, as entries. Streamed groups close when the key
 * changes (the rows come in key order); others are gathered first, in order of first appearance.
 */
export function* groups(
  rows: Iterable<RowTuple>,
  keys: { fn: Scalar; type: ExprType }[],
  slots: AggregateSlot[],
  /** From `streamingPrefix`: the group keys whose change closes the open groups; null gathers all first. */
  streamed: number[] | null,
  width: number,
  having: Condition | undefined,
  project: (row: RowTuple, aggs: SqlValue[]) => Entry,
): Generator<Entry> {
  const finish = (first: RowTuple, acc: Accumulator): Entry[] => {
    const aggs = acc.results();
    return !having || having(first, aggs) === true ? [project(first, aggs)] : [];
  };
  // Aggregates without GROUP BY make one group, even of no rows.
  if (keys.length === 0) {
    const acc = new Accumulator(slots);
    let first: RowTuple | undefined;
    for (const row of rows) {
      first ??= row;
      acc.add(row);
    }
    yield* finish(first ?? new Array(width).fill(null), acc);
    return;
  }
  const [only] = keys;
  const keyOfRow = (row: RowTuple): string | number =>
    keys.length === 1 && only
      ? keyOf(only.fn(row, []), only.type)
      : JSON.stringify(keys.map((k) => keyOf(k.fn(row, []), k.type)));
  const open = new Map<string | number, { first: RowTuple; acc: Accumulator }>();
  if (streamed) {
    // In key order a new prefix value closes every group of the one before.
    const prefixKeys = streamed.flatMap((k) => (keys[k] ? [keys[k]] : []));
    const prefixOf = (row: RowTuple) => JSON.stringify(prefixKeys.map((k) => keyOf(k.fn(row, []), k.type)));
    let prefix: string | undefined;
    for (const row of rows) {
      const current = prefixOf(row);
      if (current !== prefix) {
        for (const g of open.values()) yield* finish(g.first, g.acc);
        open.clear();
        prefix = current;
      }
      add(open, keyOfRow(row), row);
    }
    for (const g of open.values()) yield* finish(g.first, g.acc);
    return;
  }
  for (const row of rows) add(open, keyOfRow(row), row);
  for (const g of open.values()) yield* finish(g.first, g.acc);

  function add(groups: typeof open, key: string | number, row: RowTuple) {
    let group = groups.get(key);
    if (!group) {
      group = { first: row, acc: new Accumulator(slots) };
      groups.set(key, group);
    }
    group.acc.add(row);
  }
}
