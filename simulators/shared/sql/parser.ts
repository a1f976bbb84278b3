import type { Join, OrderItem, Select, SelectItem, TableRef } from "./ast.ts";
import { Cursor } from "./cursor.ts";
import { SqlError } from "./errors.ts";
import { tokenize } from "./lexer.ts";
import { parseExpr } from "./parse-expr.ts";

/**
 * One SELECT statement, recursive descent over the tokens:
 *
 *   SELECT [ALL | DISTINCT] [TOP n | TOP (n)] item, ...
 *     [FROM table [[AS] alias] [hints] join*]
 *     [WHERE expr] [GROUP BY expr, ...] [HAVING expr]
 *     [ORDER BY expr [ASC | DESC], ... [OFFSET n ROW[S] [FETCH FIRST | NEXT n ROW[S] ONLY]]] [;]
 *   item  := * | name.* | expr [[AS] alias]
 *   join  := [INNER] JOIN table [[AS] alias] [hints] ON expr | LEFT [OUTER] JOIN ...
 *   hints := WITH (NOLOCK, ...) | (NOLOCK): accepted and ignored
 *
 * @throws SqlError 102/156 for a syntax error, 105 for an unclosed quote, 10741/10742/10744 for
 *         TOP with OFFSET, a negative OFFSET, a FETCH of 0 rows
 */
export function parseSelect(sql: string): Select {
  const cursor = new Cursor(tokenize(sql));
  cursor.expectWord("SELECT");
  const distinct = cursor.acceptWord("DISTINCT");
  if (!distinct) cursor.acceptWord("ALL");
  const top = cursor.acceptWord("TOP") ? cursor.expectCount() : undefined;
  const select: Select = { distinct, columns: parseItems(cursor), joins: [], groupBy: [], orderBy: [] };
  if (top !== undefined) select.top = top;
  if (cursor.acceptWord("FROM")) {
    select.from = parseTable(cursor);
    for (let join = parseJoin(cursor); join; join = parseJoin(cursor)) select.joins.push(join);
  }
  if (cursor.acceptWord("WHERE")) select.where = parseExpr(cursor);
  if (cursor.acceptWord("GROUP")) {
    cursor.expectWord("BY");
    do select.groupBy.push(parseExpr(cursor));
    while (cursor.acceptSymbol(","));
  }
  if (cursor.acceptWord("HAVING")) select.having = parseExpr(cursor);
  if (cursor.acceptWord("ORDER")) {
    cursor.expectWord("BY");
    select.orderBy = parseOrder(cursor);
    if (cursor.acceptWord("OFFSET")) parsePaging(cursor, select);
  }
  cursor.acceptSymbol(";");
  if (cursor.peek().kind !== "end") cursor.fail();
  return select;
}

function parseItems(cursor: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  do {
    if (cursor.acceptSymbol("*")) items.push({ kind: "star" });
    else if (cursor.isSymbol(".", 1) && cursor.isSymbol("*", 2)) {
      const table = cursor.expectName();
      cursor.next();
      cursor.next();
      items.push({ kind: "star", table });
    } else {
      const expr = parseExpr(cursor);
      const alias = parseAlias(cursor);
      // T-SQL's other way to name a column: `ONHAND = SUM(S.ONHAND)`.
      if (
        alias === undefined &&
        expr.kind === "compare" &&
        expr.op === "=" &&
        expr.left.kind === "column" &&
        !expr.left.qualifier
      ) {
        items.push({ kind: "expr", expr: expr.right, alias: expr.left.name });
      } else items.push(alias === undefined ? { kind: "expr", expr } : { kind: "expr", expr, alias });
    }
  } while (cursor.acceptSymbol(","));
  return items;
}

/** `AS name`, `AS 'name'`, or a bare name or 'name' right after the expression. */
function parseAlias(cursor: Cursor): string | undefined {
  const as = cursor.acceptWord("AS");
  const token = cursor.peek();
  if (token.kind === "string") {
    cursor.next();
    return token.text;
  }
  return as ? cursor.expectName() : cursor.acceptName();
}

function parseTable(cursor: Cursor): TableRef {
  const parts = [cursor.expectName()];
  while (cursor.acceptSymbol(".")) parts.push(cursor.expectName());
  const table: TableRef = { name: parts[parts.length - 1] as string, text: parts.join(".") };
  const alias = cursor.acceptWord("AS") ? cursor.expectName() : cursor.acceptName();
  if (alias !== undefined) table.alias = alias;
  // Table hints change locking, not results.
  if (cursor.acceptWord("WITH") || cursor.isSymbol("(")) {
    cursor.expectSymbol("(");
    do cursor.expectName();
    while (cursor.acceptSymbol(","));
    cursor.expectSymbol(")");
  }
  return table;
}

function parseJoin(cursor: Cursor): Join | undefined {
  let kind: Join["kind"];
  if (cursor.acceptWord("JOIN")) kind = "inner";
  else if (cursor.acceptWord("INNER")) {
    cursor.expectWord("JOIN");
    kind = "inner";
  } else if (cursor.acceptWord("LEFT")) {
    cursor.acceptWord("OUTER");
    cursor.expectWord("JOIN");
    kind = "left";
  } else return undefined;
  const table = parseTable(cursor);
  cursor.expectWord("ON");
  return { kind, table, on: parseExpr(cursor) };
}

function parseOrder(cursor: Cursor): OrderItem[] {
  const items: OrderItem[] = [];
  do {
    const expr = parseExpr(cursor);
    const desc = cursor.acceptWord("DESC");
    if (!desc) cursor.acceptWord("ASC");
    items.push({ expr, desc });
  } while (cursor.acceptSymbol(","));
  return items;
}

function parsePaging(cursor: Cursor, select: Select): void {
  if (select.top !== undefined)
    throw new SqlError(10741, "A TOP can not be used in the same query or sub-query as a OFFSET.");
  const negative = cursor.acceptSymbol("-");
  const offset = cursor.expectCount();
  if (negative && offset > 0) throw new SqlError(10742, "The offset specified in a OFFSET clause may not be negative.");
  select.offset = offset;
  if (!cursor.acceptWord("ROWS")) cursor.expectWord("ROW");
  if (!cursor.acceptWord("FETCH")) return;
  if (!cursor.acceptWord("NEXT")) cursor.expectWord("FIRST");
  const fetch = cursor.expectCount();
  if (fetch === 0)
    throw new SqlError(10744, "The number of rows provided for a FETCH clause must be greater then zero.");
  select.fetch = fetch;
  if (!cursor.acceptWord("ROWS")) cursor.expectWord("ROW");
  cursor.expectWord("ONLY");
}
