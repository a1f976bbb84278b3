import { execute, joinsTables, parseSelect, SqlError } from "../shared/sql/index.ts";
import { enter } from "./gate.ts";
import { type Ctx, modelState, type Params } from "./http.ts";
import { envelope, listQuery } from "./list.ts";
import { logoCatalog } from "./sql-tables.ts";
import type { Tenant } from "./state.ts";

/**
 * `GET /queries?tsql=` and `POST /queries/unsafe` (body: the statement as a JSON string,
 * `?cmdTimeout=` accepted) — L1, L2 (`/Queries`), L4, L5, L6 — run on the shared SQL engine
 * over the tables of sql-tables.ts; the rows come back in the list envelope's `items` (L4
 * reads `items` and `count`, L6 `items`).
 *
 * - `sql: false` (the default, L1: "SQL calls are off in a default install"): 400 ModelState
 *   `OtherError`, saying the REST service settings do not allow SQL (status silent: chosen).
 * - Only SELECT: any other statement is refused the same way (L1: other statements need a
 *   further setting).
 * - A SQL error: 400 ModelState keyed by its number, `{ "207": ["Invalid column name 'X'."] }` (L4).
 * - `queriesPaging` (silent): "none" — every row, `limit` = `count`, no `next`; "limit" — the
 *   server applies `offset`/`limit` (its `defaultLimit` when absent) and links `next`.
 * - `queriesJoin: "fail"`: a GET `/queries` statement with a JOIN answers ModelState `LOError:`
 *   (L1: `queries` may not return the data for JOINs; `/queries/unsafe` does).
 */
export async function runQuery(c: Ctx, t: Tenant, params: Params, statement: unknown, via: "queries" | "unsafe") {
  const user = await enter(c, t, "stock");
  if (user instanceof Response) return user;
  if (!t.config.sql) {
    return modelState(
      c,
      "OtherError",
      "REST servis ayarlarında SQL sorgularına izin verilmiyor (SQL servis sorgu parametreleri).",
    );
  }
  if (typeof statement !== "string" || statement.trim() === "")
    return modelState(c, "tsql", "The tsql field is required.");
  if (!/^\s*(\(\s*)*select\b/i.test(statement)) {
    return modelState(c, "OtherError", "REST servis ayarlarında yalnızca SELECT sorgularına izin veriliyor.");
  }
  const paging = t.config.queriesPaging === "limit" ? listQuery(params, t) : null;
  if (paging && "key" in paging) return modelState(c, paging.key, paging.text);
  let rows: Record<string, unknown>[];
  try {
    const select = parseSelect(statement);
    if (via === "queries" && t.config.queriesJoin === "fail" && joinsTables(select)) {
      return modelState(
        c,
        "LOError:",
        "Sorgu çalıştırılamadı: birden çok tablo içeren sorgular için queries/unsafe kullanın.",
      );
    }
    rows = execute(select, logoCatalog(t)).rows;
  } catch (error) {
    if (error instanceof SqlError) return modelState(c, String(error.number), error.message);
    throw error;
  }
  const path = via === "queries" ? "queries" : "queries/unsafe";
  if (!paging) return c.json(envelope(c, t, path, params, { offset: 0, limit: rows.length, items: rows, more: false }));
  const { offset, limit, withCount } = paging;
  const items = rows.slice(offset, offset + limit);
  const more = offset + items.length < rows.length;
  return c.json(
    envelope(c, t, path, params, { offset, limit, items, more, ...(withCount ? { totalCount: rows.length } : {}) }),
  );
}

/** The body of `/queries/unsafe`: a JSON string; anything else binds as no statement. */
export function unsafeStatement(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
