import { itemIndex, primInfo, suppInfo } from "./catalogue.ts";
import type { SimUser } from "./config.ts";
import { businessError, type Ctx, page, result } from "./envelope.ts";
import { enter } from "./gate.ts";
import { column, type Half, options, pageOfItems, parseOrder } from "./itemlist.ts";
import type { NetsisRequest, Route } from "./routing.ts";
import type { Tenant } from "./state.ts";

/** `GET /Items`, `/Items/PrimInfo/`, `/Items/{Stok_Kodu}/` (N1 ItemsManager); see app.ts. */

// A user without the `prices` right gets the cards without prices (silent: chosen).
const PRICE_FIELDS = [
  "Satis_Fiat1",
  "Satis_Fiat2",
  "Satis_Fiat3",
  "Satis_Fiat4",
  "Dov_Satis_Fiat",
  "Dov_Alis_Fiat",
  "Dov_Mal_Fiat",
  "Alis_Fiat1",
  "Alis_Fiat2",
  "Alis_Fiat3",
  "Alis_Fiat4",
];

const BOTH: readonly Half[] = ["StokTemelBilgi", "StokEkBilgi"];
const PRIM: readonly Half[] = ["StokTemelBilgi"];

export const itemRoutes: Route[] = [
  { method: "GET", path: "Items", handler: (c, r) => list(c, r, "GET Items", BOTH) },
  { method: "GET", path: "Items/PrimInfo", handler: (c, r) => list(c, r, "GET Items/PrimInfo", PRIM) },
  { method: "GET", path: "Items/{id}", handler: one },
];

/** Item i as this user may see it: `{ StokTemelBilgi, StokEkBilgi }`. */
export function itemFor(
  state: Tenant,
  i: number,
  user?: SimUser,
): { StokTemelBilgi: Record<string, unknown>; StokEkBilgi: Record<string, unknown> } {
  const temel = primInfo(i, options(state, i));
  if (user && !user.permissions.includes("prices")) for (const f of PRICE_FIELDS) temel[f] = null;
  return { StokTemelBilgi: temel, StokEkBilgi: suppInfo(i) };
}

async function list(c: Ctx, request: NetsisRequest, endpoint: string, halves: readonly Half[]) {
  const entered = await enter(c, endpoint, "items");
  if (entered instanceof Response) return entered;
  const { state, user } = entered;
  const { defaultLimit, maxLimit } = state.config;
  const limit = whole(request.query("limit"));
  const offset = whole(request.query("offset"));
  if (limit === null) return businessError(c, "ValidationError", `limit geçersiz: ${request.query("limit")}`);
  if (offset === null) return businessError(c, "ValidationError", `offset geçersiz: ${request.query("offset")}`);
  const order = parseOrder(request.query("sort"), request.query("q"), halves);
  if (typeof order === "string") return businessError(c, "ValidationError", order);
  const fields = fieldSet(request.query("fields"), halves);
  if (typeof fields === "string") return businessError(c, "ValidationError", fields);
  // `expand` is accepted and changes nothing: both halves always come (silent: chosen).
  const spec = { ...order, offset: offset ?? 0, limit: Math.min(limit || defaultLimit, maxLimit) };
  const { indexes, total } = pageOfItems(state, spec);
  const rows = indexes.map((i) => {
    const it = itemFor(state, i, user);
    return halves.length === 1 ? project(it.StokTemelBilgi, fields) : projectItem(it, fields);
  });
  return page(c, request.url, rows, { offset: spec.offset, limit: spec.limit, total });
}

async function one(c: Ctx, request: NetsisRequest) {
  const entered = await enter(c, "GET Items/{id}", "items");
  if (entered instanceof Response) return entered;
  const { state, user } = entered;
  const i = itemIndex(request.id, state.config.items, state.config.malformedEvery);
  if (i === null || state.deleted.has(i)) {
    return businessError(c, "NotFound", `Stok kartı bulunamadı: ${request.id}`);
  }
  return result(c, itemFor(state, i, user));
}

/** A whole number ≥ 0; 0 when absent (the caller's default); null when not a number. */
function whole(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === "") return 0;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/** `fields=a,b` as the set of record keys, or the SQL Server words for an unknown one. */
function fieldSet(raw: string | undefined, halves: readonly Half[]): Set<string> | null | string {
  if (!raw || raw.trim() === "") return null;
  const out = new Set<string>();
  for (const name of raw.split(",").filter((n) => n.trim() !== "")) {
    const col = column(name, halves);
    if (!col) return `Invalid column name '${name.trim()}'.`;
    out.add(col.key);
  }
  return out;
}

function project(record: Record<string, unknown>, fields: Set<string> | null) {
  if (!fields) return record;
  return Object.fromEntries(Object.entries(record).filter(([key]) => fields.has(key)));
}

function projectItem(it: ReturnType<typeof itemFor>, fields: Set<string> | null) {
  if (!fields) return it;
  const out: Record<string, unknown> = {};
  for (const half of BOTH) {
    const picked = project(it[half], fields);
    if (Object.keys(picked).length > 0) out[half] = picked;
  }
  return out;
}
