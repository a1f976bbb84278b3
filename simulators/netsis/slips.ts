import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { DEPOTS, itemIndex } from "./catalogue.ts";
import { enter, failure, intQuery, success } from "./gate.ts";
import type { SimConfig, StoredSlip } from "./state.ts";

/** `POST /ItemSlips[?validateOnly=true]` and `GET /ItemSlips?fatirsNo=`; see app.ts. */
export const slipsApp = new Hono<{ Bindings: SimEnv }>();

slipsApp.post("/:tenant/api/v2/ItemSlips", async (c) => {
  // Read the body whatever the answer: workerd complains when a response goes out while the
  // caller is still sending a body nobody read.
  const raw = await c.req.text();
  const state = await enter(c, "orders", "ItemSlips");
  if (state instanceof Response) return state;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return failure(c, "İstek gövdesi geçerli bir JSON değil");
  }
  const validateOnly = c.req.query("validateOnly") === "true";
  const checked = checkSlip(body, state.config, validateOnly);
  if (typeof checked === "string") return failure(c, checked);
  if (validateOnly) return success(c, { FATIRS_NO: checked.FATIRS_NO, Dogrulandi: true });
  // Like a real ERP, a second slip with the same number is simply another slip.
  state.slips.push(checked);
  return success(c, { FATIRS_NO: checked.FATIRS_NO, FatUst: checked.FatUst, Kalems: checked.Kalems });
});

slipsApp.get("/:tenant/api/v2/ItemSlips", async (c) => {
  const state = await enter(c, "orders", "ItemSlips");
  if (state instanceof Response) return state;
  const limit = intQuery(c, "limit", 50, 1, 5000);
  const offset = intQuery(c, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  if (limit === null || offset === null) return failure(c, "limit ve offset geçersiz");
  const number = c.req.query("fatirsNo");
  const found = number === undefined ? state.slips : state.slips.filter((s) => s.FATIRS_NO === number);
  const page = found
    .slice(offset, offset + limit)
    .map(({ FATIRS_NO, FatUst, Kalems }) => ({ FATIRS_NO, FatUst, Kalems }));
  return success(c, page, found.length);
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/** The slip as it will be stored, or what Netsis would say is wrong with it. */
function checkSlip(body: unknown, config: SimConfig, validateOnly: boolean): StoredSlip | string {
  if (!isObject(body) || !isObject(body.FatUst)) return "FatUst (fiş başlığı) eksik";
  const header = body.FatUst;
  if (!isText(header.FATIRS_NO)) return "FATIRS_NO boş olamaz";
  if (!isText(header.CariKod)) return "CariKod boş olamaz";
  if (typeof header.Tarih !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(header.Tarih)) {
    return `Tarih geçersiz: ${String(header.Tarih)}`;
  }
  if (header.Sube_Kodu !== undefined && header.Sube_Kodu !== config.branchCode) {
    return `Şube kodu geçersiz: ${String(header.Sube_Kodu)}`;
  }
  const lines = body.Kalems ?? [];
  if (!Array.isArray(lines)) return "Kalems bir liste olmalı";
  if (lines.length === 0 && !validateOnly) return "Fişte en az bir kalem olmalı";
  for (const [k, line] of lines.entries()) {
    const at = `(kalem ${k + 1})`;
    if (!isObject(line)) return `Kalem geçersiz ${at}`;
    if (itemIndex(line.StokKodu, config.items, config.malformedEvery) === null) {
      return `Stok kodu bulunamadı: ${String(line.StokKodu)} ${at}`;
    }
    const depot = line.DEPO_KODU ?? 0;
    if (!(DEPOTS as readonly unknown[]).includes(depot)) return `Depo kodu tanımlı değil: ${String(depot)} ${at}`;
    if (typeof line.STra_GCMIK !== "number" || !(line.STra_GCMIK > 0)) return `Miktar sıfırdan büyük olmalı ${at}`;
    if (typeof line.STra_BF !== "number" || !(line.STra_BF >= 0)) return `Birim fiyat geçersiz ${at}`;
  }
  return {
    FATIRS_NO: header.FATIRS_NO,
    FatUst: header,
    Kalems: lines as Record<string, unknown>[],
    KayitTarihi: new Date().toISOString(),
  };
}
