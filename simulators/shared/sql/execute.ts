import { keyOf } from "./aggregates.ts";
import { children, type Expr, type Select } from "./ast.ts";
import { bindColumn, bindTables } from "./bind.ts";
import { type AggregateSlot, compileCondition, compileValue, type RowTuple, type Scope } from "./compile.ts";
import { SqlError } from "./errors.ts";
import { groups, streamingPrefix } from "./group.ts";
import { joinedRows, planScan } from "./plan.ts";
import { columnNames, compileOrder, compileOutputs, type Entry, type Output, sortEntries } from "./select-list.ts";
import type { Catalog } from "./source.ts";
import type { SqlValue } from "./values.ts";

/** What a SELECT answers: the column names in order, and the rows keyed by them. */
export interface ResultSet {
  columns: string[];
  rows: Record<string, SqlValue>[];
}

/**
 * Runs a parsed SELECT against the catalog's tables. Rows stream from the first table in its
 * key order; when ORDER BY (and GROUP BY) follow that order the answer needs no sort and
 * reading stops once TOP / FETCH rows are found. Otherwise every row is read and sorted.
 */
export function execute(select: Select, catalog: Catalog): ResultSet {
  const tables = bindTables(select, catalog);
  const scan = planScan(select, tables);
  const grouped = select.groupBy.length > 0 || select.having !== undefined || usesAggregates(select);
  const slots: AggregateSlot[] = [];
  const groupKeys = select.groupBy.map((expr) =>
    compileValue(expr, {
      tables,
      aggregates: new SqlError(
        144,
        "Cannot use an aggregate or a subquery in an expression used for the group by list of a GROUP BY clause.",
      ),
    }),
  );
  const groupedColumns = new Set(
    select.groupBy
      .flatMap((e) => (e.kind === "column" ? [bindColumn(tables, e)] : []))
      .map((b) => `${b.table}:${b.column}`),
  );
  const scope = (clause: "select" | "having" | "order"): Scope => ({
    tables,
    aggregates: slots,
    ...(grouped ? { grouped: { columns: groupedColumns, clause } } : {}),
  });
  const outputs = compileOutputs(select, tables, scope("select"));
  const having = select.having ? compileCondition(select.having, scope("having")) : undefined;
  const order = compileOrder(select, outputs, scope("order"));

  const key = tables[0]?.source.key ?? [];
  const prefix = grouped && select.groupBy.length > 0 ? streamingPrefix(select.groupBy, tables, key) : null;
  const streamGroups = prefix !== null;
  const inOrder =
    order.length === 0 || ((!grouped || streamGroups) && order.every((s, k) => !s.desc && s.column === key[k]));

  const project = (row: RowTuple, aggs: SqlValue[]): Entry => ({ row, aggs, out: outputs.map((o) => o.fn(row, aggs)) });
  const rows = joinedRows(scan);
  let entries: Iterable<Entry> = grouped
    ? groups(rows, groupKeys, slots, prefix, tables.length, having, project)
    : (function* () {
        for (const row of rows) yield project(row, []);
      })();
  // DISTINCT before the sort: T-SQL sorts a DISTINCT answer only by what it selects.
  if (select.distinct) entries = distinct(entries, outputs);
  if (!inOrder) entries = sortEntries([...entries], order);
  const page = take(entries, select.offset ?? 0, select.top ?? select.fetch);
  const names = columnNames(outputs.map((o) => o.name));
  return { columns: names, rows: page.map((e) => Object.fromEntries(names.map((n, k) => [n, e.out[k] ?? null]))) };
}

function* distinct(entries: Iterable<Entry>, outputs: Output[]): Generator<Entry> {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = JSON.stringify(entry.out.map((v, k) => keyOf(v, (outputs[k] as Output).type)));
    if (seen.has(key)) continue;
    seen.add(key);
    yield entry;
  }
}

/** OFFSET, then TOP / FETCH: reading stops once the page is full. */
function take(entries: Iterable<Entry>, offset: number, limit: number | undefined): Entry[] {
  const page: Entry[] = [];
  if (limit === 0) return page;
  let skipped = 0;
  for (const entry of entries) {
    if (skipped < offset) skipped++;
    else if (page.push(entry) === limit) break;
  }
  return page;
}

function usesAggregates(select: Select): boolean {
  const exprs = [
    ...select.columns.flatMap((c) => (c.kind === "expr" ? [c.expr] : [])),
    ...(select.having ? [select.having] : []),
    ...select.orderBy.map((o) => o.expr),
  ];
  return exprs.some(hasAggregate);
}

function hasAggregate(expr: Expr): boolean {
  return expr.kind === "aggregate" || children(expr).some(hasAggregate);
}
