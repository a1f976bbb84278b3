import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { type Ctx, enter, listQuery, logoError } from "./gate.ts";
import { QueryError } from "./query.ts";
import type { Tenant } from "./state.ts";
import { list, type Table } from "./table.ts";
import { itemsTable, pricesTable, stockTable } from "./tables.ts";
import { parseStockQuery } from "./tsql.ts";

/** The read endpoints: `/items`, `/salesItemPrices`, `/queries` (see app.ts for the contract). */
export const apiApp = new Hono<{ Bindings: SimEnv }>();

apiApp.get("/:tenant/api/v1/items", async (c) => {
  const state = await enter(c, "items");
  return state instanceof Response ? state : answerList(c, state, itemsTable(state));
});

apiApp.get("/:tenant/api/v1/salesItemPrices", async (c) => {
  const state = await enter(c, "prices");
  return state instanceof Response ? state : answerList(c, state, pricesTable(state));
});

apiApp.get("/:tenant/api/v1/queries", async (c) => {
  const state = await enter(c, "stock");
  if (state instanceof Response) return state;
  const tsql = c.req.query("tsql") ?? "";
  const query = parseStockQuery(tsql);
  if (!query) {
    return logoError(c, 400, "invalid_request", "unsupported query: only the stock query on LV_…_STINVTOT is served");
  }
  const { firmNo, periodNo } = state.config;
  const view = `LV_${pad(firmNo, 3)}_${pad(periodNo, 2)}_STINVTOT`;
  if (query.firm !== firmNo || query.period !== periodNo) {
    const asked = `LV_${pad(query.firm, 3)}_${pad(query.period, 2)}_STINVTOT`;
    return logoError(c, 400, "invalid_request", `Invalid object name '${asked}' (this firm and period: ${view})`);
  }
  if (query.itemsFirm !== firmNo) {
    return logoError(c, 400, "invalid_request", `Invalid object name 'LG_${pad(query.itemsFirm, 3)}_ITEMS'`);
  }
  const parsed = listQuery(c);
  if (typeof parsed === "string") return logoError(c, 400, "invalid_request", parsed);
  // The statement says what and in which order; only offset and limit apply.
  const paging = { ...parsed, q: undefined, sort: undefined, fields: undefined };
  return c.json(list(stockTable(state, query.warehouse), paging, c.req.url));
});

function answerList(c: Ctx, state: Tenant, table: Table): Response {
  const query = listQuery(c);
  if (typeof query === "string") return logoError(c, 400, "invalid_request", query);
  try {
    return c.json(list(table, query, c.req.url, state.sorted));
  } catch (error) {
    if (error instanceof QueryError) return logoError(c, 400, "invalid_request", error.message);
    throw error;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
