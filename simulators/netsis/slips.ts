import { DOC_TYPES, docType, effect } from "./doctypes.ts";
import { aspNetError, businessError, type Ctx, page, result } from "./envelope.ts";
import { enter } from "./gate.ts";
import type { NetsisRequest, Route } from "./routing.ts";
import { checkSlip } from "./slipcheck.ts";
import type { StoredSlip, Tenant } from "./state.ts";
import { move } from "./stock.ts";

/** ItemSlips (N1 ItemSlipsManager): write, calculate, look up and list slips; see app.ts. */
export const slipRoutes: Route[] = [
  { method: "POST", path: "ItemSlips", handler: (c) => write(c, "POST ItemSlips", true) },
  { method: "POST", path: "ItemSlips/Calculate", handler: (c) => write(c, "POST ItemSlips/Calculate", false) },
  { method: "POST", path: "ItemSlips/details", handler: details },
  { method: "GET", path: "ItemSlips", handler: list },
  { method: "GET", path: "ItemSlips/{id}", handler: byKey },
];

/** The body as JSON, or undefined. Read before anything else: workerd complains when an answer
 * goes out while the caller is still sending a body nobody read. */
async function json(c: Ctx): Promise<unknown> {
  const raw = await c.req.text();
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

async function write(c: Ctx, endpoint: string, store: boolean) {
  const body = await json(c);
  const entered = await enter(c, endpoint, "orders");
  if (entered instanceof Response) return entered;
  const { state } = entered;
  if (body === undefined) return businessError(c, "ValidationError", "İstek gövdesi geçerli bir JSON değil");
  const checked = checkSlip(body, state);
  if (!checked.ok) return businessError(c, "ValidationError", checked.description);
  // Calculate (N1) computes the totals and stores nothing.
  if (!store) return result(c, checked.record);
  const { record, type } = checked;
  const { FATIRS_NO, CariKod } = record.FatUst as { FATIRS_NO: string; CariKod: string };
  if (state.config.duplicateSlip === "refuse" && find(state, type, FATIRS_NO, CariKod)) {
    return businessError(
      c,
      "Duplicate",
      `Bu belge numarası daha önce kullanılmış: ${DOC_TYPES[type]};${FATIRS_NO};${CariKod}`,
    );
  }
  state.slips.push({ FaturaTip: type, FATIRS_NO, CariKod, record, storedAt: new Date().toISOString() });
  for (const line of checked.lines) {
    const change = effect(type, line.quantity);
    if (change) move(state, line.index, line.depot, change);
  }
  return result(c, record);
}

/** `GET ItemSlips/{Tip};{FATIRS_NO};{CariKod}/` (N1 GetInternalById, N3). */
async function byKey(c: Ctx, request: NetsisRequest) {
  const entered = await enter(c, "GET ItemSlips/{id}", "orders");
  if (entered instanceof Response) return entered;
  const [tip = "", number = "", ...customer] = request.id.split(";");
  const type = docType(tip);
  if (type === null || request.id.split(";").length < 2) {
    return businessError(c, "ValidationError", `Geçersiz belge anahtarı: '${request.id}' (Tip;FATIRS_NO;CariKod)`);
  }
  return found(c, entered.state, type, number, customer.join(";"));
}

/** `POST ItemSlips/details/` with `{ DocumentType, DocumentNumber, CustomerCode }` (N1 ItemSlipsParam). */
async function details(c: Ctx) {
  const body = await json(c);
  const entered = await enter(c, "POST ItemSlips/details", "orders");
  if (entered instanceof Response) return entered;
  const param = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const get = (name: string) => Object.entries(param).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const type = docType(get("DocumentType") ?? 0);
  if (type === null) return businessError(c, "ValidationError", `Geçersiz belge tipi: ${String(get("DocumentType"))}`);
  return found(c, entered.state, type, String(get("DocumentNumber") ?? ""), String(get("CustomerCode") ?? ""));
}

/** `GET ItemSlips/?docType=7&limit&offset` (N1 GetInternal): every slip without docType. */
async function list(c: Ctx, request: NetsisRequest) {
  const entered = await enter(c, "GET ItemSlips", "orders");
  if (entered instanceof Response) return entered;
  const { state } = entered;
  const raw = request.query("docType");
  const type = raw === undefined || raw === "" ? null : docType(raw);
  if (raw !== undefined && raw !== "" && type === null) {
    return businessError(c, "ValidationError", `Geçersiz belge tipi: ${raw}`);
  }
  const limitRaw = Number(request.query("limit") || 0);
  const offset = Number(request.query("offset") || 0);
  if (!Number.isInteger(limitRaw) || limitRaw < 0 || !Number.isInteger(offset) || offset < 0) {
    return businessError(c, "ValidationError", "limit ve offset negatif olmayan tam sayılar olmalı");
  }
  const limit = Math.min(limitRaw || state.config.defaultLimit, state.config.maxLimit);
  const matching = type === null ? state.slips : state.slips.filter((s) => s.FaturaTip === type);
  const rows = matching.slice(offset, offset + limit).map((s) => s.record);
  return page(c, request.url, rows, { offset, limit, total: matching.length });
}

/** The first stored slip with this type and number (and customer, when one is given). */
function find(state: Tenant, type: number, number: string, customer: string): StoredSlip | undefined {
  return state.slips.find(
    (s) => s.FaturaTip === type && s.FATIRS_NO === number.trim() && (!customer || s.CariKod === customer.trim()),
  );
}

function found(c: Ctx, state: Tenant, type: number, number: string, customer: string) {
  const slip = find(state, type, number, customer);
  if (slip) return result(c, slip.record);
  const key = `${DOC_TYPES[type]};${number};${customer}`;
  switch (state.config.missingSlip) {
    case "empty":
      return result(c, null);
    case "404":
      return aspNetError(c, 404, `Belge bulunamadı: ${key}`);
    default:
      return businessError(c, "NotFound", `Belge bulunamadı: ${key}`);
  }
}
