import { children, type Expr, type Select } from "./ast.ts";
import { ambiguousColumn, invalidColumn, invalidObject, SqlError, unboundIdentifier } from "./errors.ts";
import type { Catalog, TableSource } from "./source.ts";
import type { SqlType } from "./values.ts";

/** A table of the FROM clause: its place in the joined row, the name it is known by, its source. */
export interface BoundTable {
  index: number;
  /** The alias, or the table's name: what qualifies its columns and names it in messages. */
  exposed: string;
  source: TableSource;
  /** Upper-cased column name → the name as the source declares it. */
  columns: Map<string, string>;
}

export interface ColumnBinding {
  table: number;
  /** The column's name as the source declares it (the key of its rows). */
  column: string;
  type: SqlType;
  /** `exposed.column`, as SQL Server names a column in its messages. */
  qualified: string;
}

/** The FROM and JOIN tables, looked up in the catalog; 208 for a missing one, 1011/1013 for a name used twice. */
export function bindTables(select: Select, catalog: Catalog): BoundTable[] {
  const refs = select.from ? [select.from, ...select.joins.map((j) => j.table)] : [];
  const tables: BoundTable[] = [];
  for (const [index, ref] of refs.entries()) {
    const source = catalog(ref.name);
    if (!source) throw invalidObject(ref.text);
    const exposed = ref.alias ?? ref.name;
    if (tables.some((t) => t.exposed.toUpperCase() === exposed.toUpperCase())) {
      throw ref.alias
        ? new SqlError(1011, `The correlation name '${exposed}' is specified multiple times in a FROM clause.`)
        : new SqlError(
            1013,
            `The objects "${ref.text}" and "${ref.text}" in the FROM clause have the same exposed names. Use correlation names to distinguish them.`,
          );
    }
    const columns = new Map(Object.keys(source.columns).map((name) => [name.toUpperCase(), name]));
    tables.push({ index, exposed, source, columns });
  }
  return tables;
}

/**
 * The column a reference names among `tables` (the tables visible where it stands):
 * 4104 for an unknown qualifier, 207 for an unknown column, 209 when two tables have it.
 */
export function bindColumn(tables: readonly BoundTable[], expr: Extract<Expr, { kind: "column" }>): ColumnBinding {
  const upper = expr.name.toUpperCase();
  let candidates = tables;
  if (expr.qualifier !== undefined) {
    const qualifier = expr.qualifier.toUpperCase();
    candidates = tables.filter((t) => t.exposed.toUpperCase() === qualifier);
    if (candidates.length === 0) throw unboundIdentifier(expr.text);
  }
  const found = candidates.filter((t) => t.columns.has(upper));
  if (found.length === 0) throw invalidColumn(expr.name);
  if (found.length > 1) throw ambiguousColumn(expr.name);
  const table = found[0] as BoundTable;
  const column = table.columns.get(upper) as string;
  return {
    table: table.index,
    column,
    type: table.source.columns[column] as SqlType,
    qualified: `${table.exposed}.${column}`,
  };
}

/** The highest table index an expression reads (-1 for none): which tables must be joined before it can run. */
export function lastTableUsed(tables: readonly BoundTable[], expr: Expr): number {
  if (expr.kind === "column") return bindColumn(tables, expr).table;
  return Math.max(-1, ...children(expr).map((e) => lastTableUsed(tables, e)));
}

/** The operands of a chain of ANDs. */
export function conjuncts(expr: Expr | undefined): Expr[] {
  if (!expr) return [];
  if (expr.kind === "logical" && expr.op === "AND") return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}
