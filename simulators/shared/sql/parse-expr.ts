import type { AggregateName, Expr } from "./ast.ts";
import type { Cursor } from "./cursor.ts";
import { SqlError } from "./errors.ts";

/**
 * Expressions, lowest precedence first:
 *
 *   or        := and (OR and)*
 *   and       := not (AND not)*
 *   not       := NOT not | predicate
 *   predicate := sum [ (= | <> | != | < | <= | > | >= | !< | !>) sum | [NOT] IN (expr, ...)
 *                | [NOT] LIKE sum | [NOT] BETWEEN sum AND sum | IS [NOT] NULL ]
 *   sum       := product ((+ | -) product)*
 *   product   := unary ((* | / | %) unary)*
 *   unary     := - unary | + unary | primary
 *   primary   := number | 'text' | N'text' | NULL | ( or ) | name(.name)* | function ( ... )
 *   function  := SUM | COUNT | MIN | MAX | AVG ([DISTINCT] expr | * for COUNT) | ISNULL | COALESCE
 */
export function parseExpr(cursor: Cursor): Expr {
  let left = parseAnd(cursor);
  while (cursor.acceptWord("OR")) left = { kind: "logical", op: "OR", left, right: parseAnd(cursor) };
  return left;
}

function parseAnd(cursor: Cursor): Expr {
  let left = parseNot(cursor);
  while (cursor.acceptWord("AND")) left = { kind: "logical", op: "AND", left, right: parseNot(cursor) };
  return left;
}

function parseNot(cursor: Cursor): Expr {
  if (cursor.acceptWord("NOT")) return { kind: "not", operand: parseNot(cursor) };
  return parsePredicate(cursor);
}

const COMPARISONS = {
  "=": "=",
  "<>": "<>",
  "!=": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  "!<": ">=",
  "!>": "<=",
} as const;

function parsePredicate(cursor: Cursor): Expr {
  const operand = parseSum(cursor);
  const token = cursor.peek();
  if (token.kind === "symbol" && Object.hasOwn(COMPARISONS, token.text)) {
    cursor.next();
    const op = COMPARISONS[token.text as keyof typeof COMPARISONS];
    return { kind: "compare", op, left: operand, right: parseSum(cursor) };
  }
  if (cursor.acceptWord("IS")) {
    const negated = cursor.acceptWord("NOT");
    cursor.expectWord("NULL");
    return { kind: "isNull", operand, negated };
  }
  const negated =
    cursor.isWord("NOT") && (cursor.isWord("IN", 1) || cursor.isWord("LIKE", 1) || cursor.isWord("BETWEEN", 1));
  if (negated) cursor.next();
  if (cursor.acceptWord("IN")) {
    cursor.expectSymbol("(");
    const list = [parseSum(cursor)];
    while (cursor.acceptSymbol(",")) list.push(parseSum(cursor));
    cursor.expectSymbol(")");
    return { kind: "in", operand, list, negated };
  }
  if (cursor.acceptWord("LIKE")) return { kind: "like", operand, pattern: parseSum(cursor), negated };
  if (cursor.acceptWord("BETWEEN")) {
    const low = parseSum(cursor);
    cursor.expectWord("AND");
    return { kind: "between", operand, low, high: parseSum(cursor), negated };
  }
  return operand;
}

function parseSum(cursor: Cursor): Expr {
  let left = parseProduct(cursor);
  for (;;) {
    const op = cursor.acceptSymbol("+") ? "+" : cursor.acceptSymbol("-") ? "-" : null;
    if (!op) return left;
    left = { kind: "arithmetic", op, left, right: parseProduct(cursor) };
  }
}

function parseProduct(cursor: Cursor): Expr {
  let left = parseUnary(cursor);
  for (;;) {
    const op = (["*", "/", "%"] as const).find((s) => cursor.acceptSymbol(s));
    if (!op) return left;
    left = { kind: "arithmetic", op, left, right: parseUnary(cursor) };
  }
}

function parseUnary(cursor: Cursor): Expr {
  if (cursor.acceptSymbol("+")) return parseUnary(cursor);
  if (!cursor.acceptSymbol("-")) return parsePrimary(cursor);
  const operand = parseUnary(cursor);
  // A negative number stays a literal, so that `INVENNO = -1` can narrow a scan.
  if (operand.kind === "literal" && typeof operand.value === "number") {
    return { ...operand, value: -operand.value, text: `-${operand.text}` };
  }
  return { kind: "negate", operand };
}

const AGGREGATES = new Set<string>(["SUM", "COUNT", "MIN", "MAX", "AVG"]);

function parsePrimary(cursor: Cursor): Expr {
  const token = cursor.peek();
  if (token.kind === "number") {
    cursor.next();
    return { kind: "literal", value: token.value, type: token.integer ? "int" : "float", text: token.text };
  }
  if (token.kind === "string") {
    cursor.next();
    return { kind: "literal", value: token.text, type: "text", text: token.text };
  }
  if (cursor.acceptWord("NULL")) return { kind: "literal", value: null, type: "null", text: "NULL" };
  if (cursor.acceptSymbol("(")) {
    const inner = parseExpr(cursor);
    cursor.expectSymbol(")");
    return inner;
  }
  if (token.kind === "word" && cursor.isSymbol("(", 1)) return parseFunction(cursor, token.text, token.upper);
  if (token.kind === "word" && token.text.startsWith("@")) {
    throw new SqlError(137, `Must declare the scalar variable "${token.text}".`);
  }
  const parts = [cursor.expectName()];
  while (cursor.acceptSymbol(".")) parts.push(cursor.expectName());
  const name = parts[parts.length - 1] as string;
  const qualifier = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return { kind: "column", name, text: parts.join("."), ...(qualifier !== undefined ? { qualifier } : {}) };
}

function parseFunction(cursor: Cursor, text: string, upper: string): Expr {
  cursor.next();
  cursor.expectSymbol("(");
  if (AGGREGATES.has(upper)) {
    const name = upper as AggregateName;
    if (name === "COUNT" && cursor.acceptSymbol("*")) {
      cursor.expectSymbol(")");
      return { kind: "aggregate", name, distinct: false };
    }
    const distinct = cursor.acceptWord("DISTINCT");
    if (!distinct) cursor.acceptWord("ALL");
    const arg = parseExpr(cursor);
    cursor.expectSymbol(")");
    return { kind: "aggregate", name, arg, distinct };
  }
  if (upper === "ISNULL" || upper === "COALESCE") {
    const args = [parseExpr(cursor)];
    while (cursor.acceptSymbol(",")) args.push(parseExpr(cursor));
    cursor.expectSymbol(")");
    if (upper === "ISNULL" && args.length !== 2) {
      throw new SqlError(174, "The isnull function requires 2 argument(s).");
    }
    return { kind: "coalesce", args };
  }
  throw new SqlError(195, `'${text}' is not a recognized built-in function name.`);
}
