import { keyOf } from "./aggregates.ts";
import type { Expr, Join, Select } from "./ast.ts";
import { type BoundTable, bindColumn, conjuncts, lastTableUsed } from "./bind.ts";
import { type Compiled, type Condition, compileCondition, compileValue, type RowTuple, type Scope } from "./compile.ts";
import { SqlError } from "./errors.ts";
import type { Bound, KeyRange, Row, TableSource } from "./source.ts";
import type { ExprType } from "./values.ts";

/**
 * How the joined rows are read: the first table in its key order — narrowed to a key range
 * when WHERE bounds its first key column with numbers — each row checked against the WHERE
 * conditions that need no other table, then joined (a keyed lookup, a hash, or a loop), then
 * checked against the rest of WHERE.
 */
export interface ScanPlan {
  tables: readonly BoundTable[];
  range?: KeyRange;
  early: Condition[];
  late: Condition[];
  joins: JoinStep[];
}

interface JoinStep {
  kind: Join["kind"];
  on: Condition;
  candidates(row: RowTuple): Iterable<Row>;
}

const noAggregates = () =>
  new SqlError(
    147,
    "An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference.",
  );

export function planScan(select: Select, tables: readonly BoundTable[]): ScanPlan {
  const scope: Scope = { tables, aggregates: noAggregates() };
  const where = conjuncts(select.where);
  const driving = where.filter((c) => lastTableUsed(tables, c) <= 0);
  const plan: ScanPlan = {
    tables,
    early: driving.map((c) => compileCondition(c, scope)),
    late: where.filter((c) => !driving.includes(c)).map((c) => compileCondition(c, scope)),
    joins: select.joins.map((join, k) => joinStep(join, tables.slice(0, k + 2))),
  };
  const range = tables[0] && keyRange(driving, tables[0]);
  if (range) plan.range = range;
  return plan;
}

export function* joinedRows(plan: ScanPlan): Generator<RowTuple> {
  const first = plan.tables[0];
  if (!first) {
    if (passes(plan.early, [])) yield [];
    return;
  }
  for (const row of scanRange(first.source, plan.range)) {
    const tuple = [row];
    if (!passes(plan.early, tuple)) continue;
    // Without joins, skip a generator per row: it is most of the cost of a large scan.
    if (plan.joins.length === 0) {
      if (passes(plan.late, tuple)) yield tuple;
    } else yield* extend(plan, tuple);
  }
}

function* extend(plan: ScanPlan, tuple: RowTuple): Generator<RowTuple> {
  const step = plan.joins[tuple.length - 1];
  if (!step) {
    if (passes(plan.late, tuple)) yield tuple;
    return;
  }
  let matched = false;
  for (const candidate of step.candidates(tuple)) {
    const next = [...tuple, candidate];
    if (step.on(next, []) !== true) continue;
    matched = true;
    yield* extend(plan, next);
  }
  if (!matched && step.kind === "left") yield* extend(plan, [...tuple, null]);
}

const NO_AGGREGATES: readonly never[] = [];

function passes(conditions: Condition[], row: RowTuple): boolean {
  for (const condition of conditions) if (condition(row, NO_AGGREGATES) !== true) return false;
  return true;
}

/** The source's rows, stopping at the first beyond `range.to` (they come in key order). */
function* scanRange(source: TableSource, range: KeyRange | undefined): Generator<Row> {
  const key = source.key?.[0];
  const to = range?.to;
  for (const row of source.scan(range)) {
    const value = key === undefined ? null : row[key];
    if (to && typeof value === "number" && (to.inclusive ? value > to.value : value >= to.value)) return;
    yield row;
  }
}

/** A join reads the inner table by key when ON equates its first key column with earlier tables, else by hash or loop. */
function joinStep(join: Join, visible: readonly BoundTable[]): JoinStep {
  const scope: Scope = { tables: visible, aggregates: noAggregates() };
  const inner = visible[visible.length - 1] as BoundTable;
  const on = compileCondition(join.on, scope);
  let hashed: JoinStep["candidates"] | undefined;
  for (const c of conjuncts(join.on)) {
    if (c.kind !== "compare" || c.op !== "=") continue;
    for (const [mine, other] of [
      [c.left, c.right],
      [c.right, c.left],
    ] as const) {
      if (mine.kind !== "column" || lastTableUsed(visible, other) >= inner.index) continue;
      const bound = bindColumn(visible, mine);
      if (bound.table !== inner.index) continue;
      const outer = compileValue(other, scope);
      if (bound.column === inner.source.key?.[0] && numeric(bound.type) && numeric(outer.type)) {
        return { kind: join.kind, on, candidates: lookup(inner.source, outer) };
      }
      if (!hashed && sameKind(bound.type, outer.type)) hashed = hash(inner.source, bound.column, bound.type, outer);
    }
  }
  return { kind: join.kind, on, candidates: hashed ?? loop(inner.source) };
}

function lookup(source: TableSource, outer: Compiled): JoinStep["candidates"] {
  return (row) => {
    const value = outer.fn(row, []);
    if (typeof value !== "number") return [];
    const at: Bound = { value, inclusive: true };
    return scanRange(source, { from: at, to: at });
  };
}

function hash(source: TableSource, column: string, type: ExprType, outer: Compiled): JoinStep["candidates"] {
  let index: Map<string | number, Row[]> | undefined;
  return (row) => {
    if (!index) {
      index = new Map();
      for (const r of source.scan()) {
        const key = keyOf(r[column] ?? null, type);
        const bucket = index.get(key);
        if (bucket) bucket.push(r);
        else index.set(key, [r]);
      }
    }
    const value = outer.fn(row, []);
    return value === null ? [] : (index.get(keyOf(value, type)) ?? []);
  };
}

function loop(source: TableSource): JoinStep["candidates"] {
  let rows: Row[] | undefined;
  return () => {
    rows ??= Array.from(source.scan());
    return rows;
  };
}

const numeric = (t: ExprType) => t === "int" || t === "float";
const sameKind = (a: ExprType, b: ExprType) => (numeric(a) && numeric(b)) || (a === b && a !== "null");

/** The range WHERE allows for the first table's first key column, when it is numeric and bounded by numbers. */
function keyRange(where: Expr[], table: BoundTable): KeyRange | undefined {
  const key = table.source.key?.[0];
  if (key === undefined || !numeric(table.source.columns[key] ?? "null")) return undefined;
  const isKey = (e: Expr) => e.kind === "column" && bindColumn([table], e).column === key;
  const number = (e: Expr) => (e.kind === "literal" && typeof e.value === "number" ? e.value : undefined);
  const range: KeyRange = {};
  const narrow = (side: "from" | "to", value: number | undefined, inclusive: boolean) => {
    if (value === undefined) return;
    const old = range[side];
    const tighter = !old || (side === "from" ? value > old.value : value < old.value);
    if (tighter || (old && value === old.value && !inclusive)) range[side] = { value, inclusive };
  };
  for (const c of where) {
    if (c.kind === "compare") {
      const flipped = !isKey(c.left);
      const value = number(flipped ? c.left : c.right);
      if (!isKey(flipped ? c.right : c.left) || value === undefined) continue;
      const op = flipped ? FLIP[c.op] : c.op;
      if (op === "=" || op === ">" || op === ">=") narrow("from", value, op !== ">");
      if (op === "=" || op === "<" || op === "<=") narrow("to", value, op !== "<");
    } else if (c.kind === "between" && !c.negated && isKey(c.operand)) {
      narrow("from", number(c.low), true);
      narrow("to", number(c.high), true);
    } else if (c.kind === "in" && !c.negated && isKey(c.operand)) {
      const values = c.list.map(number);
      if (values.some((v) => v === undefined)) continue;
      narrow("from", Math.min(...(values as number[])), true);
      narrow("to", Math.max(...(values as number[])), true);
    }
  }
  return range.from || range.to ? range : undefined;
}

const FLIP = { "=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;
