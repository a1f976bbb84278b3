import { ITEM_FIELDS, refOfCode, unitOf } from "./catalogue.ts";
import { bodyDate, erpNow, NEVER, stamp } from "./clock.ts";
import type { Tenant } from "./state.ts";

type Json = Record<string, unknown>;

/** What Logo refuses, as the ModelState key and text it answers with. */
export class Refused extends Error {
  readonly key: string;

  constructor(key: string, text: string) {
    super(text);
    this.key = key;
  }
}
const refuse = (key: string, text: string): never => {
  throw new Refused(key, text);
};

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A posted sales order (L1's sample, L5) checked as Logo would: ModelState `ValError0` for a
 * missing value, `LOError:` for what Logo Objects refuses (an unknown material or unit, a
 * warehouse that does not exist), `DBError` for a NUMBER longer than the column
 * (`numberMaxLength`, silent: 16 as every public sample), `DATE` for a date Json.NET cannot
 * read. Returns the record to store: NUMBER `~` replaced by the next number of the template,
 * lines numbered, totals computed.
 *
 * @throws Refused
 */
export function orderRecord(t: Tenant, body: unknown): Json {
  if (!isObject(body)) return refuse("OtherError", "Gönderilen kayıt bir JSON nesnesi değil.");
  const number = typeof body.NUMBER === "string" ? body.NUMBER.trim() : "";
  if (number === "") return refuse("ValError0", "Fiş numarası (NUMBER) boş olamaz.");
  const resolved = number === "~" ? String(t.sequences.number + 1).padStart(16, "0") : number;
  if (resolved.length > t.config.numberMaxLength) return refuse("DBError", "String or binary data would be truncated.");
  if (typeof body.DATE !== "string") return refuse("ValError0", "Fiş tarihi (DATE) boş olamaz.");
  const date = bodyDate(body.DATE);
  if (!date) return refuse("DATE", `Could not convert string to DateTime: ${body.DATE}. Path 'DATE'.`);
  if (typeof body.ARP_CODE !== "string" || body.ARP_CODE.trim() === "") {
    return refuse("ValError0", "Cari hesap kodu (ARP_CODE) boş olamaz.");
  }
  const warehouse = body.SOURCE_WH ?? 0;
  if (!isNumber(warehouse) || ![0, 1, 2].includes(warehouse))
    return refuse("LOError:", `${String(warehouse)} numaralı ambar tanımlı değil.`);
  const lines = isObject(body.TRANSACTIONS) ? body.TRANSACTIONS.items : undefined;
  if (!Array.isArray(lines) || lines.length === 0) return refuse("ValError0", "Fişte satır (TRANSACTIONS.items) yok.");

  const ref = t.sequences.order + 1;
  const stored = lines.map((line, k) => orderLine(t, line, k, { ref, date, warehouse }));
  const sum = (field: string) => round2(stored.reduce((s, l) => s + (isNumber(l[field]) ? l[field] : 0), 0));
  const created = stamp(erpNow());
  const { INTERNAL_REFERENCE: _ignored, TRANSACTIONS: _lines, ...header } = body;
  t.sequences.order = ref;
  if (number === "~") t.sequences.number++;
  t.sequences.line += stored.length;
  return {
    INTERNAL_REFERENCE: ref,
    ...header,
    TYPE: 1,
    NUMBER: resolved,
    DATE: date,
    TIME: isNumber(body.TIME) ? body.TIME : 0,
    ARP_CODE: body.ARP_CODE,
    SOURCE_WH: warehouse,
    TOTAL_GROSS: sum("TOTAL"),
    TOTAL_VAT: sum("VAT_AMOUNT"),
    TOTAL_NET: round2(sum("TOTAL") + sum("VAT_AMOUNT")),
    ORDER_STATUS: 1,
    CREATED_BY: 1,
    DATE_CREATED: created[0],
    HOUR_CREATED: created[1],
    MIN_CREATED: created[2],
    SEC_CREATED: created[3],
    MODIFIED_BY: 0,
    DATE_MODIFIED: NEVER,
    HOUR_MODIFIED: 0,
    MIN_MODIFIED: 0,
    SEC_MODIFIED: 0,
    TRANSACTIONS: { items: stored },
  };
}

function orderLine(t: Tenant, line: unknown, k: number, slip: { ref: number; date: string; warehouse: number }): Json {
  const at = `TRANSACTIONS.items[${k}]`;
  if (!isObject(line)) return refuse("ValError0", `${at} bir nesne değil.`);
  const base = {
    INTERNAL_REFERENCE: t.sequences.line + k + 1,
    ...line,
    ORDFICHEREF: slip.ref,
    LINENO: k + 1,
    DATE: slip.date,
  };
  // Only material lines (TYPE 0) are checked; other kinds are kept as sent.
  if ((line.TYPE ?? 0) !== 0) return base;
  const code = typeof line.MASTER_CODE === "string" ? line.MASTER_CODE : "";
  const item = refOfCode(t, code);
  if (item === undefined) return refuse("LOError:", `'${code}' kodlu malzeme kartı bulunamadı.`);
  const unit = line.UNIT_CODE ?? unitOf(item);
  if (typeof unit !== "string" || unit.toUpperCase() !== unitOf(item)) {
    return refuse("LOError:", `'${String(unit)}' birimi '${code}' malzemesinin birim setinde tanımlı değil.`);
  }
  const quantity = line.QUANTITY;
  if (!isNumber(quantity) || quantity <= 0)
    return refuse("ValError0", `${at}: miktar (QUANTITY) sıfırdan büyük olmalı.`);
  const price = line.PRICE ?? 0;
  const rate = line.VAT_RATE ?? ITEM_FIELDS.VAT?.get(t, item);
  if (!isNumber(price) || price < 0) return refuse("ValError0", `${at}: fiyat (PRICE) geçersiz.`);
  if (!isNumber(rate) || rate < 0 || rate > 100) return refuse("ValError0", `${at}: KDV oranı (VAT_RATE) geçersiz.`);
  const total = round2(quantity * price);
  return {
    ...base,
    TYPE: 0,
    MASTER_CODE: code,
    STOCKREF: item,
    QUANTITY: quantity,
    PRICE: price,
    TOTAL: total,
    VAT_RATE: rate,
    VAT_AMOUNT: round2((total * rate) / 100),
    VAT_BASE: total,
    UNIT_CODE: unitOf(item),
    UNIT_CONV1: isNumber(line.UNIT_CONV1) ? line.UNIT_CONV1 : 1,
    UNIT_CONV2: isNumber(line.UNIT_CONV2) ? line.UNIT_CONV2 : 1,
    EDT_PRICE: price,
    EDT_CURR: isNumber(line.EDT_CURR) ? line.EDT_CURR : 160,
    SOURCE_WH: slip.warehouse,
  };
}
