import type { Expr, Select } from "./ast.ts";
import type { BoundTable } from "./bind.ts";
import { bindColumn } from "./bind.ts";
import { compileValue, type RowTuple, type Scalar, type Scope } from "./compile.ts";
import { SqlError } from "./errors.ts";
import { type ExprType, type SqlValue, sortCompare } from "./values.ts";

/** A column of the answer. */
export interface Output {
  name: string;
  type: ExprType;
  fn: Scalar;
  /** Named with AS: ORDER BY may use the name. */
  aliased: boolean;
}

export interface SortKey {
  get(entry: Entry): SqlValue;
  type: ExprType;
  desc: boolean;
  /** The first table's column it sorts by, when it is one: a key-ordered scan then needs no sort. */
  column?: string;
}

/** A row of the answer before projection: the joined row (a group's first), its aggregates, its values. */
export interface Entry {
  row: RowTuple;
  aggs: SqlValue[];
  out: SqlValue[];
}

/** The select list, `*` expanded in the tables' declared column order. */
export function compileOutputs(select: Select, tables: readonly BoundTable[], scope: Scope): Output[] {
  return select.columns.flatMap((item): Output[] => {
    if (item.kind === "expr") {
      const { fn, type } = compileValue(item.expr, scope);
      const name = item.alias ?? (item.expr.kind === "column" ? item.expr.name : "");
      return [{ name, type, fn, aliased: item.alias !== undefined }];
    }
    const chosen =
      item.table === undefined ? tables : tables.filter((t) => t.exposed.toUpperCase() === item.table?.toUpperCase());
    if (chosen.length === 0) {
      throw item.table === undefined
        ? new SqlError(263, "Must specify table to select from.")
        : new SqlError(4104, `The multi-part identifier "${item.table}" could not be bound.`);
    }
    return chosen.flatMap((t) =>
      Object.keys(t.source.columns).map((column) => {
        const expr: Expr = { kind: "column", qualifier: t.exposed, name: column, text: `${t.exposed}.${column}` };
        return { name: column, aliased: false, ...compileValue(expr, scope) };
      }),
    );
  });
}

/** ORDER BY items: a select-list alias, a position (ORDER BY 2), or any expression. */
export function compileOrder(select: Select, outputs: Output[], scope: Scope): SortKey[] {
  return select.orderBy.map(({ expr, desc }) => {
    if (expr.kind === "literal" && typeof expr.value === "number") {
      const k = expr.value - 1;
      const output = outputs[k];
      if (!output || !Number.isInteger(expr.value)) {
        throw new SqlError(
          108,
          `The ORDER BY position number ${expr.text} is out of range of the number of items in the select list.`,
        );
      }
      return { get: (e: Entry) => e.out[k] ?? null, type: output.type, desc };
    }
    if (expr.kind === "column" && expr.qualifier === undefined) {
      const k = outputs.findIndex((o) => o.aliased && o.name.toUpperCase() === expr.name.toUpperCase());
      if (k >= 0) return { get: (e: Entry) => e.out[k] ?? null, type: (outputs[k] as Output).type, desc };
    }
    const { fn, type } = compileValue(expr, scope);
    const bound = expr.kind === "column" ? bindColumn(scope.tables, expr) : undefined;
    return {
      get: (e: Entry) => fn(e.row, e.aggs),
      type,
      desc,
      ...(bound?.table === 0 ? { column: bound.column } : {}),
    };
  });
}

export function sortEntries(entries: Entry[], order: SortKey[]): Entry[] {
  return entries.sort((a, b) => {
    for (const s of order) {
      const c = sortCompare(s.get(a), s.get(b), s.type);
      if (c !== 0) return s.desc ? -c : c;
    }
    return 0;
  });
}

/** Names as a .NET DataTable gives them: `Column1`, `Column2`... for unnamed, `CODE1` for a second CODE. */
export function columnNames(raw: string[]): string[] {
  const taken = new Set<string>();
  let unnamed = 0;
  return raw.map((name) => {
    const base = name === "" ? `Column${++unnamed}` : name;
    let chosen = base;
    for (let k = 1; taken.has(chosen.toUpperCase()); k++) chosen = `${base}${k}`;
    taken.add(chosen.toUpperCase());
    return chosen;
  });
}
