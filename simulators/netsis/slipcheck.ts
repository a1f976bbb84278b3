import { BindError, bind, turkeyNow } from "./bind.ts";
import { itemIndex, primInfo } from "./catalogue.ts";
import { docType, isSales, tipi } from "./doctypes.ts";
import { round2 } from "./generate.ts";
import { options } from "./itemlist.ts";
import { ITEM_SLIP, SLIP_HEADER, SLIP_LINE } from "./models.ts";
import type { Tenant } from "./state.ts";

/** A slip bound, checked and completed as NetOpenX would store it; or why it refuses it. */
export type Checked =
  | {
      ok: true;
      type: number;
      record: Record<string, unknown> & { FatUst: Record<string, unknown>; Kalems: Record<string, unknown>[] };
      /** Item index, depot and quantity of each line, for the stock. */
      lines: { index: number; depot: number; quantity: number }[];
    }
  | { ok: false; description: string };

/** N3 pads order numbers to "toplam 15 hane": FATIRS_NO holds at most 15 characters. */
export const FATIRS_NO_MAX = 15;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

export function checkSlip(body: unknown, state: Tenant): Checked {
  try {
    return check(body, state);
  } catch (error) {
    if (error instanceof BindError) return { ok: false, description: error.message };
    throw error;
  }
}

function check(body: unknown, state: Tenant): Checked {
  const refuse = (description: string): Checked => ({ ok: false, description });
  if (!isObject(body)) return refuse("İstek gövdesi bir ItemSlips nesnesi olmalı");
  const slip = bind(ITEM_SLIP, body, "ItemSlips");
  if (!isObject(slip.FatUst)) return refuse("FatUst (fiş başlığı) eksik");
  const header = bind(SLIP_HEADER, slip.FatUst, "FatUst");
  const { config } = state;

  // FaturaTip (N3 sends it) or FatUst.Tip (N2 sends only this); both must agree.
  const outer = slip.FaturaTip ?? null;
  const inner = header.Tip ?? null;
  const type = docType(outer ?? inner);
  if (outer === null && inner === null) return refuse("Belge tipi belirtilmedi (FaturaTip / FatUst.Tip)");
  if (type === null) return refuse(`Geçersiz belge tipi: ${String(outer ?? inner)}`);
  if (outer !== null && inner !== null && docType(inner) !== type) {
    return refuse(`FaturaTip (${String(outer)}) ile FatUst.Tip (${String(inner)}) uyuşmuyor`);
  }
  if (header.TIPI !== undefined && header.TIPI !== null && tipi(header.TIPI) === null) {
    return refuse(`Geçersiz fatura tipi (TIPI): ${String(header.TIPI)}`);
  }
  const number = text(header.FATIRS_NO);
  if (!number) return refuse("Belge numarası (FATIRS_NO) boş olamaz");
  if (number.length > FATIRS_NO_MAX) {
    return refuse(`Belge numarası en fazla ${FATIRS_NO_MAX} karakter olabilir: '${number}' (${number.length})`);
  }
  const customer = text(header.CariKod);
  if (!customer) return refuse("Cari kodu (CariKod) boş olamaz");
  const branch = header.Sube_Kodu ?? config.branchCode;
  if (branch !== config.branchCode) return refuse(`Şube kodu geçersiz: ${String(branch)}`);
  const date = (header.Tarih as string | null | undefined) ?? turkeyNow();
  const vatIncluded = header.KDV_DAHILMI === true;

  if (!Array.isArray(slip.Kalems) || slip.Kalems.length === 0) return refuse("Fişte en az bir kalem olmalı (Kalems)");
  const lines: { index: number; depot: number; quantity: number }[] = [];
  const kalems: Record<string, unknown>[] = [];
  const totals = { gross: 0, discount: 0, vat: 0, base: 0 };
  for (const [k, raw] of slip.Kalems.entries()) {
    const at = `(kalem ${k + 1})`;
    if (!isObject(raw)) return refuse(`Kalem geçersiz ${at}`);
    const line = bind(SLIP_LINE, raw, `Kalems[${k}]`);
    const code = text(line.StokKodu);
    const i = itemIndex(code, config.items, config.malformedEvery);
    if (i === null || state.deleted.has(i)) return refuse(`Stok kodu bulunamadı: ${code || "(boş)"} ${at}`);
    const card = primInfo(i, options(state, i));
    if (config.lockedItems === "refuse") {
      if (card.Kilit === "E") return refuse(`Stok kartı kilitli: ${code} ${at}`);
      if (card.SatisKilit === "E" && isSales(type)) return refuse(`Stok kartı satışa kilitli: ${code} ${at}`);
    }
    const depot = (line.DEPO_KODU ?? card.DEPO_KODU) as number;
    if (!config.depots.includes(depot)) return refuse(`Depo kodu tanımlı değil: ${depot} ${at}`);
    const quantity = line.STra_GCMIK as number | null | undefined;
    if (typeof quantity !== "number" || !(quantity > 0))
      return refuse(`Miktar (STra_GCMIK) sıfırdan büyük olmalı ${at}`);
    const price = (line.STra_BF ?? 0) as number;
    if (price < 0) return refuse(`Birim fiyat (STra_BF) negatif olamaz ${at}`);
    const net = (line.STra_NF ?? price) as number;
    const rate = (line.STra_KDV ?? card.KDV_Orani) as number;
    // Totals without VAT; with KDV_DAHILMI the prices include it.
    const exclusive = (amount: number) => (vatIncluded ? amount / (1 + rate / 100) : amount);
    const base = exclusive(quantity * net);
    totals.gross += exclusive(quantity * price);
    totals.discount += exclusive(quantity * (price - net));
    totals.vat += (base * rate) / 100;
    totals.base += base;
    lines.push({ index: i, depot, quantity });
    kalems.push({
      ...line,
      // The card's code, however the line spelt it.
      StokKodu: card.Stok_Kodu,
      Sira: k + 1,
      STra_FATIRSNO: number,
      STra_CARI_KOD: customer,
      STra_TAR: line.STra_TAR ?? date,
      STra_GCMIK: quantity,
      STra_BF: price,
      STra_NF: net,
      STra_KDV: rate,
      STra_GC: isSales(type) ? "C" : "G",
      DEPO_KODU: depot,
    });
  }
  const record = {
    ...slip,
    FaturaTip: type,
    FatUst: {
      ...header,
      Sube_Kodu: branch,
      CariKod: customer,
      FATIRS_NO: number,
      Tarih: date,
      Tip: type,
      KDV_DAHILMI: vatIncluded,
      BRUTTUTAR: round2(totals.gross),
      SAT_ISKT: round2(totals.discount),
      KDV: round2(totals.vat),
      GENELTOPLAM: round2(totals.base + totals.vat),
    },
    Kalems: kalems,
    KalemAdedi: kalems.length,
  };
  return { ok: true, type, record, lines };
}
