import { type Fields, type Predicate, parseFilter, QueryError } from "./query.ts";

/**
 * A list endpoint's rows, addressed by index 0..size-1 in primary-key order, each field read
 * on its own so that filtering and sorting 100,000 items never builds them all.
 */
export interface Table {
  /** Names the cache of sorted orders, e.g. "items". */
  name: string;
  size: number;
  fields: Fields;
  row(index: number): Record<string, unknown>;
}

/** The list parameters every Logo list endpoint takes. */
export interface ListQuery {
  q?: string | undefined;
  sort?: string | undefined;
  fields?: string | undefined;
  offset: number;
  limit: number;
  withCount: boolean;
}

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 50;

/**
 * `{ offset, count, totalCount, limit, next, items }`: the rows matching `q`, in `sort` order
 * (ascending; ties in primary-key order), from `offset`, at most `limit`. `next` is this URL
 * with the next offset, or null when no row follows; `totalCount` is counted only for
 * `withCount=true` (null otherwise), so a page of a large table stops scanning once it is full.
 *
 * @throws QueryError for an unknown field or a syntax error
 */
export function list(table: Table, query: ListQuery, url: string, cache?: Map<string, Int32Array>) {
  const where: Predicate = query.q ? parseFilter(query.q, table.fields) : () => true;
  const order = sortOrder(table, query.sort, cache);
  const projection = query.fields ? fieldList(table, query.fields, "fields") : null;
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
  const items = picked.map((index) => project(table.row(index), projection));
  const next = new URL(url);
  next.searchParams.set("offset", String(query.offset + items.length));
  return {
    offset: query.offset,
    count: items.length,
    totalCount: query.withCount ? matched : null,
    limit: query.limit,
    next: more ? next.toString() : null,
    items,
  };
}

function fieldList(table: Table, text: string, what: string): string[] {
  const names = text.split(",").map((f) => f.trim());
  for (const name of names) {
    if (!Object.hasOwn(table.fields, name)) {
      throw new QueryError(`unknown field '${name}' in ${what}; fields: ${Object.keys(table.fields).join(", ")}`);
    }
  }
  return names;
}

function project(row: Record<string, unknown>, names: string[] | null): Record<string, unknown> {
  if (!names) return row;
  const out: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(row, name)) out[name] = row[name];
  return out;
}

/** Indices in `sort` order, cached per table and sort until the data changes; null for key order. */
function sortOrder(table: Table, sort: string | undefined, cache?: Map<string, Int32Array>): Int32Array | null {
  if (!sort) return null;
  const names = fieldList(table, sort, "sort");
  const cacheKey = `${table.name}:${names.join(",")}`;
  const cached = cache?.get(cacheKey);
  if (cached && cached.length === table.size) return cached;
  const columns = names.map((name) => {
    const field = table.fields[name];
    return Array.from({ length: table.size }, (_, index) => field?.get(index));
  });
  const order = Int32Array.from({ length: table.size }, (_, index) => index);
  order.sort((a, b) => {
    for (const column of columns) {
      const c = compare(column[a], column[b]);
      if (c !== 0) return c;
    }
    return a - b;
  });
  cache?.set(cacheKey, order);
  return order;
}

/** Missing values first, then numbers, then text; like with like in natural order. */
function compare(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === undefined || v === null ? 0 : typeof v === "number" ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}
