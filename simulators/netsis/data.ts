import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { DEPOTS, item, price, stock } from "./catalogue.ts";
import { type Ctx, enter, failure, intQuery, success } from "./gate.ts";

/** The read endpoints: `GET /Items`, `/ItemStocks`, `/ItemPrices`; see app.ts. */
export const dataApp = new Hono<{ Bindings: SimEnv }>();

const MAX_LIMIT = 5000;

dataApp.get("/:tenant/api/v2/Items", async (c) => {
  const state = await enter(c, "items", "Items");
  if (state instanceof Response) return state;
  const { items, malformedEvery } = state.config;
  return listing(c, items, "Stok_Kodu", (i) => item(i, malformedEvery));
});

dataApp.get("/:tenant/api/v2/ItemStocks", async (c) => {
  const state = await enter(c, "stock", "ItemStocks");
  if (state instanceof Response) return state;
  const raw = c.req.query("depoKodu");
  const depot = raw === undefined || raw === "" ? null : Number(raw);
  if (depot !== null && !(DEPOTS as readonly number[]).includes(depot)) {
    return failure(c, `Depo kodu tanımlı değil: ${raw}`);
  }
  const { items, malformedEvery } = state.config;
  return listing(c, items, "StokKodu", (i) => stock(i, depot, malformedEvery));
});

dataApp.get("/:tenant/api/v2/ItemPrices", async (c) => {
  const state = await enter(c, "prices", "ItemPrices");
  if (state instanceof Response) return state;
  const { items, malformedEvery } = state.config;
  return listing(c, items, "StokKodu", (i) => price(i, malformedEvery));
});

/**
 * One page of `total` generated rows in stock-code order (`sort=<field>` or `<field> desc`;
 * the code is the only sort field), only the `fields` asked for (names inside the nested
 * objects too), with `TotalCount`. Only the rows of the page are generated.
 */
function listing(c: Ctx, total: number, sortField: string, row: (i: number) => Record<string, unknown>) {
  const limit = intQuery(c, "limit", 50, 1, MAX_LIMIT);
  if (limit === null) return failure(c, `limit 1 ile ${MAX_LIMIT} arasında olmalı`);
  const offset = intQuery(c, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset === null) return failure(c, "offset negatif olmayan bir tam sayı olmalı");
  const sort = /^(\w+)(?:\s+(asc|desc))?$/i.exec((c.req.query("sort") ?? sortField).trim());
  if (!sort || sort[1]?.toLowerCase() !== sortField.toLowerCase()) {
    return failure(c, `Geçersiz sıralama alanı: ${c.req.query("sort")}`);
  }
  const descending = sort[2]?.toLowerCase() === "desc";
  const fields = c.req.query("fields") ? new Set((c.req.query("fields") ?? "").split(",").map((f) => f.trim())) : null;
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < limit && offset + k < total; k++) {
    rows.push(pick(row(descending ? total - offset - k : offset + k + 1), fields));
  }
  return success(c, rows, total);
}

function pick(row: Record<string, unknown>, fields: Set<string> | null): Record<string, unknown> {
  if (!fields) return row;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const inner = Object.entries(value).filter(([name]) => fields.has(name));
      if (inner.length > 0) out[key] = Object.fromEntries(inner);
    } else if (fields.has(key)) out[key] = value;
  }
  return out;
}
