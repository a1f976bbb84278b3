/**
 * A small SQL engine for the simulators: the SELECT statements ERP clients send through
 * "run this SQL" endpoints (Logo's `/queries`, Netsis's `Queries`), evaluated over tables the
 * simulator supplies as lazy row sources, with SQL Server's error numbers and messages.
 * Hand-written (tokens, recursive descent, closures; no eval or new Function, which workerd forbids).
 *
 *   const result = runSql("SELECT TOP 500 STOCKREF, SUM(ONHAND) AS ONHAND FROM STOCK WHERE STOCKREF > 4500 GROUP BY STOCKREF ORDER BY STOCKREF", catalogOf({
 *     STOCK: { columns: { STOCKREF: "int", ONHAND: "float" }, key: ["STOCKREF"], scan: (range) => rowsFrom(range?.from) },
 *   }));
 *   // { columns: ["STOCKREF", "ONHAND"], rows: [{ STOCKREF: 4501, ONHAND: 12 }, ...] }
 *
 * The subset: SELECT [DISTINCT] [TOP n] list FROM table [alias] [WITH (NOLOCK)]
 * [[INNER] JOIN | LEFT [OUTER] JOIN table [alias] ON cond]... [WHERE cond] [GROUP BY columns]
 * [HAVING cond] [ORDER BY expr [ASC|DESC], ... [OFFSET n ROWS [FETCH NEXT|FIRST m ROWS ONLY]]] [;]
 * - list: `*`, `t.*`, columns (`t.COL`, `[COL]`), numbers, 'text', N'text', `+ - * / %`,
 *   parentheses, SUM/COUNT/MIN/MAX/AVG ([DISTINCT] expr), COUNT(*), ISNULL, COALESCE,
 *   `expr [AS] name` or `name = expr`. Columns are named as written; unnamed ones `Column1`,
 *   `Column2`..., a repeated name `CODE1`, as a .NET DataTable names them.
 * - conditions: AND, OR, NOT, = <> != < <= > >=, [NOT] IN (...), [NOT] LIKE (% _ [..]),
 *   [NOT] BETWEEN, IS [NOT] NULL; NULL makes a comparison unknown.
 * - as SQL Server with its default collation: keywords and names in any case; text compares
 *   without case or trailing spaces; text next to a number converts to it (245 when it cannot);
 *   int / int divides whole; 'YYYY-MM-DD[THH:MM:SS]' or 'YYYYMMDD' next to a datetime is one.
 * - FETCH needs OFFSET and OFFSET needs ORDER BY, as in T-SQL. Anything else (UNION, subqueries,
 *   CASE, other functions, several statements) is outside the subset: a syntax error or 195.
 *
 * Errors throw SqlError { number, message }: 102/156 syntax, 105 unclosed quote, 207 invalid
 * column, 208 invalid object, 209 ambiguous column, 4104 unbound qualifier, 8120/8121/8127 not
 * in GROUP BY, 130/144/147 misplaced aggregates, 195 unknown function, 241/245 conversion,
 * 402 operand types, 8117 SUM of text, 8134 divide by zero, 4145 non-boolean condition.
 *
 * Large tables: give the source a `key` (its sort order) and honour `range.from` in `scan`.
 * WHERE bounds on the first key column (=, <, <=, >, >=, BETWEEN, IN with numbers) become the
 * range; the scan stops at the first row past it; ORDER BY / GROUP BY on a key prefix read rows
 * as they come and stop once TOP / FETCH is reached. Anything else reads the whole table and
 * sorts — slower, never different.
 */
import type { Select } from "./ast.ts";
import { execute, type ResultSet } from "./execute.ts";
import { parseSelect } from "./parser.ts";
import type { Catalog } from "./source.ts";

export type { Select } from "./ast.ts";
export { SqlError } from "./errors.ts";
export type { ResultSet } from "./execute.ts";
// For simulators whose own filter syntax ends up as SQL (Logo's `q`): the same collation and LIKE.
export { likeMatcher } from "./like.ts";
export type { Bound, Catalog, KeyRange, Row, TableSource } from "./source.ts";
export { catalogOf } from "./source.ts";
export type { SqlType, SqlValue } from "./values.ts";
export { compareText } from "./values.ts";
export { execute, parseSelect };

/** Parses and runs one SELECT; throws SqlError. */
export const runSql = (sql: string, catalog: Catalog): ResultSet => execute(parseSelect(sql), catalog);

/** Whether a parsed statement reads more than one table (a caller may refuse joins, as Logo's `queries` may). */
export const joinsTables = (select: Select): boolean => select.joins.length > 0;
