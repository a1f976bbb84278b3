import type { AggregateName, Expr } from "./ast.ts";
import { type BoundTable, bindColumn } from "./bind.ts";
import { notGrouped, SqlError, syntaxError } from "./errors.ts";
import { likeMatcher } from "./like.ts";
import type { Row } from "./source.ts";
import { type Comparison, compare, comparisonOf, type ExprType, type SqlValue, toNumber } from "./values.ts";

/** One joined row: a row per FROM/JOIN table, null where a LEFT JOIN found nothing. */
export type RowTuple = readonly (Row | null)[];
/** A value over a joined row; in a grouped query, over the group's first row and its aggregates. */
export type Scalar = (row: RowTuple, aggregates: readonly SqlValue[]) => SqlValue;
/** A condition: true, false or unknown (null). */
export type Condition = (row: RowTuple, aggregates: readonly SqlValue[]) => boolean | null;

export interface AggregateSlot {
  name: AggregateName;
  /** Undefined for COUNT(*). */
  arg?: Scalar;
  argType: ExprType;
  distinct: boolean;
}

export interface Scope {
  tables: readonly BoundTable[];
  /** Where the aggregates of this clause are collected; an error where SQL forbids them. */
  aggregates: AggregateSlot[] | SqlError;
  /** In a grouped query: the grouped columns (`table:column`) and the clause, for 8120/8121/8127. */
  grouped?: { columns: ReadonlySet<string>; clause: "select" | "having" | "order" };
}

export interface Compiled {
  fn: Scalar;
  type: ExprType;
}

export function compileValue(expr: Expr, scope: Scope): Compiled {
  switch (expr.kind) {
    case "literal": {
      const { value } = expr;
      return { fn: () => value, type: expr.type };
    }
    case "column": {
      const bound = bindColumn(scope.tables, expr);
      if (scope.grouped && !scope.grouped.columns.has(`${bound.table}:${bound.column}`)) {
        throw notGrouped(bound.qualified, scope.grouped.clause);
      }
      const { table, column } = bound;
      return { fn: (row) => row[table]?.[column] ?? null, type: bound.type };
    }
    case "negate": {
      const operand = compileValue(expr.operand, scope);
      const target = operand.type === "int" ? "int" : "float";
      return { fn: (row, aggs) => negate(operand.fn(row, aggs), target), type: target };
    }
    case "arithmetic":
      return compileArithmetic(expr, scope);
    case "coalesce": {
      const args = expr.args.map((a) => compileValue(a, scope));
      const type = args.find((a) => a.type !== "null")?.type ?? "null";
      return { fn: (row, aggs) => args.reduce<SqlValue>((v, a) => v ?? a.fn(row, aggs), null), type };
    }
    case "aggregate":
      return compileAggregate(expr, scope);
    default: {
      const op = "op" in expr ? expr.op : expr.kind.toUpperCase();
      throw syntaxError(op, false);
    }
  }
}

export function compileCondition(expr: Expr, scope: Scope): Condition {
  switch (expr.kind) {
    case "compare": {
      const test = comparer(compileValue(expr.left, scope), compileValue(expr.right, scope));
      const op = expr.op;
      return (row, aggs) => {
        const c = test(row, aggs);
        if (c === null) return null;
        return op === "="
          ? c === 0
          : op === "<>"
            ? c !== 0
            : op === "<"
              ? c < 0
              : op === "<="
                ? c <= 0
                : op === ">"
                  ? c > 0
                  : c >= 0;
      };
    }
    case "logical": {
      const left = compileCondition(expr.left, scope);
      const right = compileCondition(expr.right, scope);
      return expr.op === "AND"
        ? (row, aggs) => and(left(row, aggs), right(row, aggs))
        : (row, aggs) => or(left(row, aggs), right(row, aggs));
    }
    case "not": {
      const operand = compileCondition(expr.operand, scope);
      return (row, aggs) => not(operand(row, aggs));
    }
    case "isNull": {
      const operand = compileValue(expr.operand, scope);
      return (row, aggs) => (operand.fn(row, aggs) === null) !== expr.negated;
    }
    case "in": {
      const operand = compileValue(expr.operand, scope);
      const tests = expr.list.map((item) => comparer(operand, compileValue(item, scope)));
      return (row, aggs) => {
        let result: boolean | null = false;
        for (const test of tests) result = or(result, equal(test(row, aggs)));
        return expr.negated ? not(result) : result;
      };
    }
    case "between": {
      const operand = compileValue(expr.operand, scope);
      const low = comparer(operand, compileValue(expr.low, scope));
      const high = comparer(operand, compileValue(expr.high, scope));
      return (row, aggs) => {
        const a = low(row, aggs);
        const b = high(row, aggs);
        const inside = and(a === null ? null : a >= 0, b === null ? null : b <= 0);
        return expr.negated ? not(inside) : inside;
      };
    }
    case "like": {
      const operand = compileValue(expr.operand, scope);
      const pattern = compileValue(expr.pattern, scope);
      return (row, aggs) => {
        const value = operand.fn(row, aggs);
        const text = pattern.fn(row, aggs);
        if (value === null || text === null) return null;
        return likeMatcher(String(text))(String(value)) !== expr.negated;
      };
    }
    default: {
      const near = expr.kind === "column" ? expr.text : expr.kind === "literal" ? expr.text : ")";
      throw new SqlError(
        4145,
        `An expression of non-boolean type specified in a context where a condition is expected, near '${near}'.`,
      );
    }
  }
}

function comparer(left: Compiled, right: Compiled): (row: RowTuple, aggs: readonly SqlValue[]) => number | null {
  const how: Comparison = comparisonOf(left.type, right.type);
  return (row, aggs) => {
    const a = left.fn(row, aggs);
    const b = right.fn(row, aggs);
    return a === null || b === null || how === "null" ? null : compare(a, b, how);
  };
}

function compileArithmetic(expr: Extract<Expr, { kind: "arithmetic" }>, scope: Scope): Compiled {
  const left = compileValue(expr.left, scope);
  const right = compileValue(expr.right, scope);
  const { op } = expr;
  if (op === "+" && left.type === "text" && right.type === "text") {
    return { fn: (row, aggs) => concat(left.fn(row, aggs), right.fn(row, aggs)), type: "text" };
  }
  const types = [left.type, right.type];
  const bothText = types.every((t) => t === "text");
  if (types.includes("datetime") || bothText || (op === "%" && types.includes("float"))) {
    const [l, r] = types.map((t) => (t === "text" ? "varchar" : t));
    throw new SqlError(402, `The data types ${l} and ${r} are incompatible in the ${OP_NAMES[op]} operator.`);
  }
  // Text next to a number converts to that number's type (int or float), as SQL Server does.
  const integer = !types.includes("float");
  const target = integer ? "int" : "float";
  const fn: Scalar = (row, aggs) => {
    const a = left.fn(row, aggs);
    const b = right.fn(row, aggs);
    if (a === null || b === null) return null;
    return arithmetic(op, toNumber(a, target), toNumber(b, target), integer);
  };
  return { fn, type: target };
}

const OP_NAMES = { "+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "modulo" } as const;

function arithmetic(op: keyof typeof OP_NAMES, a: number, b: number, integer: boolean): number {
  if ((op === "/" || op === "%") && b === 0) throw new SqlError(8134, "Divide by zero error encountered.");
  if (op === "+") return a + b;
  if (op === "-") return a - b;
  if (op === "*") return a * b;
  if (op === "%") return a % b;
  return integer ? Math.trunc(a / b) : a / b;
}

function compileAggregate(expr: Extract<Expr, { kind: "aggregate" }>, scope: Scope): Compiled {
  const slots = scope.aggregates;
  if (slots instanceof SqlError) throw slots;
  const inner: Scope = {
    tables: scope.tables,
    aggregates: new SqlError(
      130,
      "Cannot perform an aggregate function on an expression containing an aggregate or a subquery.",
    ),
  };
  const arg = expr.arg ? compileValue(expr.arg, inner) : undefined;
  const argType = arg?.type ?? "int";
  if ((expr.name === "SUM" || expr.name === "AVG") && (argType === "text" || argType === "datetime")) {
    throw new SqlError(
      8117,
      `Operand data type ${argType === "text" ? "varchar" : "datetime"} is invalid for ${expr.name.toLowerCase()} operator.`,
    );
  }
  const slot = slots.length;
  slots.push({ name: expr.name, argType, distinct: expr.distinct, ...(arg ? { arg: arg.fn } : {}) });
  const type: ExprType = expr.name === "COUNT" ? "int" : argType;
  return { fn: (_row, aggs) => aggs[slot] ?? null, type };
}

const negate = (v: SqlValue, target: "int" | "float") => (v === null ? null : -toNumber(v, target));
const concat = (a: SqlValue, b: SqlValue) => (a === null || b === null ? null : `${a}${b}`);
const equal = (c: number | null) => (c === null ? null : c === 0);
const not = (v: boolean | null) => (v === null ? null : !v);
const and = (a: boolean | null, b: boolean | null) =>
  a === false || b === false ? false : a === null || b === null ? null : true;
const or = (a: boolean | null, b: boolean | null) =>
  a === true || b === true ? true : a === null || b === null ? null : false;
