import { compareText, SqlError } from "../shared/sql/index.ts";
import { type Field, type Fields, fieldName, parseFilter } from "./filter.ts";
import { apiBase, type Ctx, meta, type Params } from "./http.ts";
import { derived, type Tenant } from "./state.ts";

/** A list resource's records, addressed by index in primary-key order, each field read on its own. */
export interface Table {
  /** Under /api/v1, as Logo spells it: `items`, `salesItemPrices`, `salesOrders`. */
  path: string;
  size: number;
  fields: Fields;
  row(index: number): Record<string, unknown>;
  /** The record's INTERNAL_REFERENCE, for its Meta href. */
  ref(index: number): number;
}

/** The parameters of every list (L2, L3, L5); a bad number is a model-binding error. */
export interface ListQuery {
  q?: string;
  sort?: string;
  fields?: string;
  offset: number;
  limit: number;
  withCount: boolean;
}

export type Problem = { key: string; text: string };

/**
 * `limit` defaults to the server's `defaultLimit` (L1: a service setting, 10) and is clamped to
 * `maxLimit` (silent: chosen). `count=true` counts as `withCount=true` (silent: chosen).
 */
export function listQuery(params: Params, t: Tenant): ListQuery | Problem {
  const offset = whole(params.get("offset"), 0);
  const limit = whole(params.get("limit"), t.config.defaultLimit);
  if (offset === null) return { key: "offset", text: `The value '${params.get("offset")}' is not valid for Int32.` };
  if (limit === null || limit < 1)
    return { key: "limit", text: `The value '${params.get("limit")}' is not valid for limit.` };
  const flag = (name: string) => params.get(name)?.toLowerCase() === "true";
  const query: ListQuery = {
    offset,
    limit: Math.min(limit, t.config.maxLimit),
    withCount: flag("withCount") || flag("count"),
  };
  for (const name of ["q", "sort", "fields"] as const) {
    const value = params.get(name);
    if (value !== undefined && value.trim() !== "") query[name] = value;
  }
  return query;
}

function whole(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw === "") return fallback;
  return /^\d+$/.test(raw.trim()) ? Number(raw) : null;
}

export interface Page {
  offset: number;
  limit: number;
  items: Record<string, unknown>[];
  totalCount?: number;
  more: boolean;
}

/**
 * The records matching `q`, in `sort` order (ties in primary-key order, so pages never overlap
 * — silent: chosen), from `offset`, at most `limit`, projected to `fields`. Counting the total
 * only for `withCount` lets a page of a large table stop scanning once it is full.
 *
 * @throws SqlError 207 for an unknown field in q, sort or fields; 102 for bad syntax
 */
export function page(t: Tenant, table: Table, query: ListQuery, base: string): Page {
  const where = query.q ? parseFilter(query.q, table.fields) : () => true;
  const order = query.sort ? sortOrder(t, table, query.sort) : null;
  const projection = query.fields?.split(",").map((name) => fieldName(table.fields, name.trim()));
  const picked: number[] = [];
  let matched = 0;
  let more = false;
  for (let k = 0; k < table.size; k++) {
    const index = order ? (order[k] as number) : k;
    if (!where(index)) continue;
    matched++;
    if (matched <= query.offset) continue;
    if (picked.length < query.limit) picked.push(index);
    else {
      more = true;
      if (!query.withCount) break;
    }
  }
  const items = picked.map((index) => {
    const row = table.row(index);
    const shown = projection ? Object.fromEntries(projection.filter((f) => f in row).map((f) => [f, row[f]])) : row;
    return { Meta: meta(`${base}/${table.path}/${table.ref(index)}`), ...shown };
  });
  return { offset: query.offset, limit: query.limit, items, more, ...(query.withCount ? { totalCount: matched } : {}) };
}

/**
 * The list envelope (L2 types/index.ts, L3, L5): `{ Meta, offset, count, totalCount?, limit,
 * first, next, previous, items }`, links as `{ href, mediaType, apiVersion }` on this URL with
 * its other parameters kept. `nextLink: "string"` makes `next` a bare URL; on the last page
 * `next` is null, or absent with `lastPageNext: "absent"` (silent: both).
 */
export function envelope(c: Ctx, t: Tenant, path: string, params: Params, p: Page) {
  const href = (offset: number) =>
    `${apiBase(c, t)}/${path}?${params.with({ offset: String(offset), limit: String(p.limit) })}`;
  const next = p.more ? href(p.offset + p.items.length) : null;
  const nextLink = next !== null && t.config.nextLink === "string" ? next : next && meta(next);
  return {
    Meta: meta(href(p.offset)),
    offset: p.offset,
    count: p.items.length,
    ...(p.totalCount !== undefined ? { totalCount: p.totalCount } : {}),
    limit: p.limit,
    first: meta(href(0)),
    ...(next === null && t.config.lastPageNext === "absent" ? {} : { next: nextLink }),
    previous: p.offset > 0 ? meta(href(Math.max(0, p.offset - p.limit))) : null,
    items: p.items,
  };
}

/** Indices in `sort` order (`FIELD [asc|desc], ...`), cached until the data changes. */
function sortOrder(t: Tenant, table: Table, sort: string): Int32Array {
  const keys = sort.split(",").map((part) => {
    const [name = "", direction = "asc", ...rest] = part.trim().split(/\s+/);
    const dir = direction.toLowerCase();
    if (rest.length > 0 || (dir !== "asc" && dir !== "desc"))
      throw new SqlError(102, `Incorrect syntax near '${rest[0] ?? direction}'.`);
    const field = fieldName(table.fields, name);
    return { field, desc: dir === "desc" };
  });
  const spec = keys.map((k) => `${k.field} ${k.desc ? "desc" : "asc"}`).join(",");
  return derived(t, `sort:${table.path}:${spec}`, () => {
    const columns = keys.map(({ field, desc }) => {
      const f = table.fields[field] as Field;
      return { values: Array.from({ length: table.size }, (_, i) => f.get(i)), desc };
    });
    const order = Int32Array.from({ length: table.size }, (_, i) => i);
    return order.sort((a, b) => {
      for (const { values, desc } of columns) {
        const c = compareValues(values[a] ?? null, values[b] ?? null);
        if (c !== 0) return desc ? -c : c;
      }
      return a - b;
    });
  });
}

/** NULL first, then numbers, then text (ISO dates sort as text). */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return compareText(String(a), String(b));
}
