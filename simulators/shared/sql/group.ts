import { Accumulator, keyOf } from "./aggregates.ts";
import type { Expr } from "./ast.ts";
import { type BoundTable, bindColumn } from "./bind.ts";
import type { AggregateSlot, Condition, RowTuple, Scalar } from "./compile.ts";
import type { Entry } from "./select-list.ts";
import type { ExprType, SqlValue } from "./values.ts";

/** GROUP BY the first key columns (in any order): groups arrive one after another, in key order. */
export function groupsFollowKey(groupBy: Expr[], tables: readonly BoundTable[], key: readonly string[]): boolean {
  const columns = new Set<string>();
  for (const expr of groupBy) {
    if (expr.kind !== "column") return false;
    const bound = bindColumn(tables, expr);
    if (bound.table !== 0) return false;
    columns.add(bound.column);
  }
  return [...columns].every((c) => key.slice(0, columns.size).includes(c));
}

/**
 * The groups of a grouped query, HAVING applied, as entries. Streamed groups close when the key
 * changes (the rows come in key order); others are gathered first, in order of first appearance.
 */
export function* groups(
  rows: Iterable<RowTuple>,
  keys: { fn: Scalar; type: ExprType }[],
  slots: AggregateSlot[],
  streamed: boolean,
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
  if (streamed) {
    // In key order a new key closes the group before it.
    let current: { key: string | number; first: RowTuple; acc: Accumulator } | undefined;
    for (const row of rows) {
      const key = keyOfRow(row);
      if (current?.key !== key) {
        if (current) yield* finish(current.first, current.acc);
        current = { key, first: row, acc: new Accumulator(slots) };
      }
      current.acc.add(row);
    }
    if (current) yield* finish(current.first, current.acc);
    return;
  }
  const open = new Map<string | number, { first: RowTuple; acc: Accumulator }>();
  for (const row of rows) {
    const key = keyOfRow(row);
    let group = open.get(key);
    if (!group) {
      group = { first: row, acc: new Accumulator(slots) };
      open.set(key, group);
    }
    group.acc.add(row);
  }
  for (const g of open.values()) yield* finish(g.first, g.acc);
}
