import type { ExprType, SqlValue } from "./values.ts";

/** The parsed form of one SELECT statement (see index.ts for the subset). */
export interface Select {
  distinct: boolean;
  top?: number;
  columns: SelectItem[];
  from?: TableRef;
  joins: Join[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  orderBy: OrderItem[];
  offset?: number;
  fetch?: number;
}

export type SelectItem = { kind: "star"; table?: string } | { kind: "expr"; expr: Expr; alias?: string };

export interface TableRef {
  /** The last part of the name (`dbo.LG_001_ITEMS` → `LG_001_ITEMS`), what the catalog is asked for. */
  name: string;
  /** The name as written, without brackets, for error messages. */
  text: string;
  alias?: string;
}

export interface Join {
  kind: "inner" | "left";
  table: TableRef;
  on: Expr;
}

export interface OrderItem {
  expr: Expr;
  desc: boolean;
}

export type AggregateName = "SUM" | "COUNT" | "MIN" | "MAX" | "AVG";

export type Expr =
  | { kind: "literal"; value: SqlValue; type: ExprType; text: string }
  /** `qualifier.name`; `text` as written, for error messages. */
  | { kind: "column"; qualifier?: string; name: string; text: string }
  | { kind: "negate"; operand: Expr }
  | { kind: "arithmetic"; op: "+" | "-" | "*" | "/" | "%"; left: Expr; right: Expr }
  | { kind: "compare"; op: "=" | "<>" | "<" | "<=" | ">" | ">="; left: Expr; right: Expr }
  | { kind: "logical"; op: "AND" | "OR"; left: Expr; right: Expr }
  | { kind: "not"; operand: Expr }
  | { kind: "in"; operand: Expr; list: Expr[]; negated: boolean }
  | { kind: "like"; operand: Expr; pattern: Expr; negated: boolean }
  | { kind: "between"; operand: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: "isNull"; operand: Expr; negated: boolean }
  /** `arg` undefined for COUNT(*). */
  | { kind: "aggregate"; name: AggregateName; arg?: Expr; distinct: boolean }
  | { kind: "coalesce"; args: Expr[] };

/** The expressions directly inside one. */
export function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case "literal":
    case "column":
      return [];
    case "negate":
    case "not":
    case "isNull":
      return [expr.operand];
    case "aggregate":
      return expr.arg ? [expr.arg] : [];
    case "coalesce":
      return expr.args;
    case "in":
      return [expr.operand, ...expr.list];
    case "like":
      return [expr.operand, expr.pattern];
    case "between":
      return [expr.operand, expr.low, expr.high];
    default:
      return [expr.left, expr.right];
  }
}
