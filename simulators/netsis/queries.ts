import { execute, type ResultSet, type Select, SqlError } from "../shared/sql/index.ts";
import { oracleError, parseFor } from "./dialect.ts";
import { aspNetError, businessError, type Ctx, result } from "./envelope.ts";
import { enter } from "./gate.ts";
import type { Route } from "./routing.ts";
import type { Tenant } from "./state.ts";
import { companyTables, itemsNamed, type Narrowing } from "./tables.ts";

/**
 * `GET /Queries?tsql=…` (N3; N1's `Queries/?tsql=`) and `POST /Queries/` with `{ TSql }` (N1
 * QueryParam): one SELECT on the company database (tables.ts), run by the shared SQL engine.
 * The answer's shape is silent — N3 copes with `[[123.45]]`, `[{"Column1":123.45}]` and a bare
 * number — so it is the tenant's `queriesShape`; see app.ts.
 */
export const queryRoutes: Route[] = [
  { method: "GET", path: "Queries", handler: (c, r) => query(c, "GET Queries", r.query("tsql")) },
  { method: "POST", path: "Queries", handler: (c) => posted(c) },
];

async function posted(c: Ctx) {
  const raw = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    body = undefined;
  }
  const member =
    typeof body === "object" && body !== null
      ? Object.entries(body).find(([k]) => k.toLowerCase() === "tsql")
      : undefined;
  const sql = typeof body === "string" ? body : member?.[1];
  return query(c, "POST Queries", typeof sql === "string" ? sql : undefined);
}

async function query(c: Ctx, endpoint: string, sql: string | undefined) {
  const entered = await enter(c, endpoint, "stock");
  if (entered instanceof Response) return entered;
  const { state } = entered;
  if (!sql || sql.trim() === "") return businessError(c, "ValidationError", "Sorgu (tsql) boş olamaz");
  let answer: ResultSet;
  try {
    answer = run(state, sql);
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    const message = state.config.dbType === "ORACLE" ? oracleError(error) : error.message;
    if (state.config.queriesShape === "envelope") return businessError(c, "SqlError", message);
    // A bare answer has no envelope to carry the error: Web API reports the exception (chosen).
    return aspNetError(c, 500, "An error has occurred.", {
      ExceptionMessage: message,
      ExceptionType:
        state.config.dbType === "ORACLE"
          ? "Oracle.ManagedDataAccess.Client.OracleException"
          : "System.Data.SqlClient.SqlException",
    });
  }
  const upper = state.config.dbType === "ORACLE";
  const columns = answer.columns.map((name) => (upper ? name.toUpperCase() : name));
  const rows = answer.rows.map((row) => Object.fromEntries(answer.columns.map((name, k) => [columns[k], row[name]])));
  switch (state.config.queriesShape) {
    case "rows":
      return c.json(rows);
    case "table":
      return c.json(answer.rows.map((row) => answer.columns.map((name) => row[name])));
    default:
      return result(c, rows);
  }
}

/** Runs one statement; @throws SqlError */
export function run(state: Tenant, sql: string): ResultSet {
  const select = parseFor(state.config.dbType, sql);
  return execute(select, companyTables(state, narrowing(state, select)));
}

type Expr = NonNullable<Select["where"]>;

/** The items a join-free statement's WHERE pins STOK_KODU of its table to, if it does. */
function narrowing(state: Tenant, select: Select): Narrowing | null {
  const from = select.from;
  const table = from?.name.toUpperCase();
  if (!from || select.joins.length > 0 || (table !== "TBLSTOKPH" && table !== "TBLSTSABIT")) return null;
  const names = [from.alias, from.name].filter((n): n is string => !!n).map((n) => n.toUpperCase());
  const isCode = (e: Expr) =>
    e.kind === "column" &&
    e.name.toUpperCase() === "STOK_KODU" &&
    (e.qualifier === undefined || names.includes(e.qualifier.toUpperCase()));
  const text = (e: Expr) => (e.kind === "literal" && typeof e.value === "string" ? e.value : null);
  const pinned = (e: Expr): string[] | null => {
    if (e.kind === "logical" && e.op === "AND") return pinned(e.left) ?? pinned(e.right);
    if (e.kind === "compare" && e.op === "=") {
      if (isCode(e.left) && text(e.right) !== null) return [text(e.right) as string];
      if (isCode(e.right) && text(e.left) !== null) return [text(e.left) as string];
    }
    if (e.kind === "in" && !e.negated && isCode(e.operand)) {
      const values = e.list.map(text);
      return values.every((v) => v !== null) ? (values as string[]) : null;
    }
    return null;
  };
  const codes = select.where ? pinned(select.where) : null;
  return codes ? { table, items: itemsNamed(state, codes) } : null;
}
