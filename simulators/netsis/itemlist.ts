import { type CatalogueOptions, DEFAULT_OPTIONS, primInfo, suppInfo } from "./catalogue.ts";
import { FilterError, type Predicate, parseFilter } from "./filter.ts";
import type { Tenant } from "./state.ts";

/**
 * Paging, sorting and filtering the generated catalogue without building it: in code order
 * without `q` a page costs its own rows; any other order is computed once per column over
 * every item and kept until the catalogue changes; `q` scans the items (lazily building only
 * the record half it names).
 */
export type Half = "StokTemelBilgi" | "StokEkBilgi";
export interface Column {
  half: Half;
  key: string;
}
export interface ListSpec {
  offset: number;
  limit: number;
  sort: { column: Column; descending: boolean }[];
  filter: Predicate | null;
}

const KEYS: Record<Half, string[]> = {
  StokTemelBilgi: Object.keys(primInfo(1, DEFAULT_OPTIONS)),
  StokEkBilgi: Object.keys(suppInfo(1)),
};

export const options = (state: Tenant, i: number): CatalogueOptions => ({
  branchCode: state.config.branchCode,
  depots: state.config.depots,
  malformedEvery: state.config.malformedEvery,
  locks: state.locks.get(i),
});

/** A column by name, whatever its case, in the halves given (StokTemelBilgi first), or null. */
export function column(name: string, halves: readonly Half[]): Column | null {
  const wanted = name.trim().toLowerCase();
  for (const half of halves) {
    const key = KEYS[half].find((k) => k.toLowerCase() === wanted);
    if (key) return { half, key };
  }
  return null;
}

/** `sort=Col [ASC|DESC][, …]` and `q`, or the SQL Server words for what is wrong. */
export function parseOrder(sort: string | undefined, q: string | undefined, halves: readonly Half[]) {
  const order: ListSpec["sort"] = [];
  for (const part of (sort ?? "").split(",").filter((p) => p.trim() !== "")) {
    const m = /^\s*(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(part);
    const col = m?.[1] ? column(m[1], halves) : null;
    if (!col) return `Invalid column name '${part.trim()}'.`;
    order.push({ column: col, descending: m?.[2]?.toUpperCase() === "DESC" });
  }
  if (!q || q.trim() === "") return { sort: order, filter: null };
  try {
    return { sort: order, filter: parseFilter(q, (name) => key(column(name, halves))) };
  } catch (error) {
    if (error instanceof FilterError) return error.message;
    throw error;
  }
}

const key = (col: Column | null) => (col ? `${col.half}.${col.key}` : null);

/** The item indexes of one page, and how many items match in all. */
export function pageOfItems(state: Tenant, spec: ListSpec): { indexes: number[]; total: number } {
  const { items } = state.config;
  const byCode = spec.sort.length === 0 || (spec.sort.length === 1 && spec.sort[0]?.column.key === "Stok_Kodu");
  if (byCode && !spec.filter) return codeOrderPage(state, spec.offset, spec.limit, spec.sort[0]?.descending ?? false);
  const order = byCode ? null : sortedOrder(state, spec.sort);
  const descending = byCode && (spec.sort[0]?.descending ?? false);
  const indexes: number[] = [];
  let total = 0;
  for (let k = 0; k < items; k++) {
    const i = order ? (order[k] as number) : descending ? items - k : k + 1;
    if (state.deleted.has(i)) continue;
    if (spec.filter && !spec.filter(getter(state, i))) continue;
    if (total >= spec.offset && indexes.length < spec.limit) indexes.push(i);
    total++;
  }
  return { indexes, total };
}

/** A lazy field reader over item i: each half is built the first time it is asked for. */
function getter(state: Tenant, i: number) {
  let temel: Record<string, unknown> | undefined;
  let ek: Record<string, unknown> | undefined;
  return (k: string) => {
    const [half, field] = k.split(".") as [Half, string];
    if (half === "StokTemelBilgi") {
      temel ??= primInfo(i, options(state, i));
      return temel[field];
    }
    ek ??= suppInfo(i);
    return ek[field];
  };
}

function codeOrderPage(state: Tenant, offset: number, limit: number, descending: boolean) {
  const { items } = state.config;
  const gone = [...state.deleted].filter((d) => d <= items).sort((a, b) => a - b);
  const total = items - gone.length;
  const indexes: number[] = [];
  if (offset >= total) return { indexes, total };
  // The offset-th visible item: start at offset+1 and step over each deleted index passed.
  let i = descending ? items - offset : offset + 1;
  for (const d of descending ? [...gone].reverse() : gone) {
    if (descending ? d >= i : d <= i) i += descending ? -1 : 1;
    else break;
  }
  for (; indexes.length < limit && i >= 1 && i <= items; i += descending ? -1 : 1) {
    if (!state.deleted.has(i)) indexes.push(i);
  }
  return { indexes, total };
}

const collator = new Intl.Collator("tr", { sensitivity: "accent", numeric: false });

/** Every item index in this order (ties in code order), computed once per order and tenant. */
function sortedOrder(state: Tenant, sort: ListSpec["sort"]): Int32Array {
  const cacheKey = sort.map((s) => `${s.column.half}.${s.column.key} ${s.descending ? "DESC" : "ASC"}`).join(",");
  const cached = state.orders.get(cacheKey);
  if (cached) return cached;
  const { items } = state.config;
  const values = sort.map(() => new Array<unknown>(items + 1));
  for (let i = 1; i <= items; i++) {
    const get = getter(state, i);
    sort.forEach((s, n) => {
      (values[n] as unknown[])[i] = get(`${s.column.half}.${s.column.key}`);
    });
  }
  const order = Int32Array.from({ length: items }, (_, k) => k + 1);
  order.sort((a, b) => {
    for (const [n, s] of sort.entries()) {
      const c = compareValues((values[n] as unknown[])[a], (values[n] as unknown[])[b]);
      if (c !== 0) return s.descending ? -c : c;
    }
    return a - b;
  });
  state.orders.set(cacheKey, order);
  return order;
}

/** SQL Server's order: NULL first, numbers by value, text by the Turkish collation. */
function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}
