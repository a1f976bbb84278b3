import { itemCode, primInfo, purchasePrice } from "./catalogue.ts";
import { hash, isKg, round2, round3 } from "./generate.ts";
import type { Movement, Tenant } from "./state.ts";

/**
 * The two company tables `GET /Queries?tsql=` can read (N3), generated from the item index like
 * the catalogue, with what stored slips moved added on top.
 *
 * TBLSTOKPH: one row per item and depot that has seen a movement; the columns of N1's
 * ItemBalances model. The balance is TOP_GIRIS_MIK - TOP_CIKIS_MIK (N3). Every 11th item has
 * no row at all; every item has a row in the first depot, two out of three in the second.
 * KG items have fractional quantities; every 23rd item is negative in its last depot.
 * `malformedEvery` K gives every K-th item's rows a NULL TOP_CIKIS_MIK, as a damaged database would.
 *
 * TBLSTSABIT: the stock cards, one row per item, upper-case columns (Netsis' column names)
 * holding StokTemelBilgi's values.
 */
export const STOKPH_COLUMNS = [
  "STOK_KODU",
  "SUBE_KODU",
  "DEPO_KODU",
  "TOP_GIRIS_MIK",
  "TOP_GIRIS_TUT",
  "TOP_CIKIS_MIK",
  "TOP_CIKIS_TUT",
  "SON_GIR_BR_FIAT",
  "SON_GIR_NET_FIAT",
  "STOK_DAGITIM",
  "MUS_TOP_SIPARIS",
  "MUS_TOP_TESLIM",
  "SAT_TOP_TESLIM",
  "SAT_TOP_SIPARIS",
  "YOLMIK",
] as const;

const STSABIT_FIELDS = [
  "Stok_Kodu",
  "Sube_Kodu",
  "ISLETME_KODU",
  "Stok_Adi",
  "Grup_Kodu",
  "Kod_1",
  "Kod_2",
  "Kod_3",
  "Kod_4",
  "Kod_5",
  "Olcu_Br1",
  "Olcu_Br2",
  "Olcu_Br3",
  "KDV_Orani",
  "DEPO_KODU",
  "Satis_Fiat1",
  "Satis_Fiat2",
  "Satis_Fiat3",
  "Satis_Fiat4",
  "Sat_Dov_Tip",
  "Dov_Satis_Fiat",
  "Alis_Fiat1",
  "Kilit",
  "SatisKilit",
  "Barkod1",
  "Barkod2",
  "Barkod3",
] as const;
export const STSABIT_COLUMNS = STSABIT_FIELDS.map((f) => f.toUpperCase());

/** The depots in which item i has a TBLSTOKPH row before any slip moved it. */
export function generatedDepots(i: number, depots: readonly number[]): number[] {
  if (i % 11 === 0) return [];
  const [first, second] = depots;
  const out = first === undefined ? [] : [first];
  if (second !== undefined && i % 3 !== 0) out.push(second);
  return out;
}

/** The generated movement of item i in the depot at `slot` (0 or 1) of the depot list. */
function generated(i: number, slot: number, last: boolean): Movement {
  const scale = isKg(i) ? 1000 : 1;
  const cikis = (hash(i, 50 + slot) % (400 * scale)) / scale;
  let balance = (hash(i, 10 + slot) % (300 * scale)) / scale;
  if (last && i % 23 === 0) balance = -(1 + (hash(i, 60) % (5 * scale)) / scale);
  return { giris: round3(cikis + balance), cikis: round3(cikis), musSiparis: 0, satSiparis: 0 };
}

/**
 * Item i's TBLSTOKPH rows, generated and moved; a deleted item has none. `damaged` false gives
 * them as they should be, whatever `malformedEvery` says.
 */
export function stockRows(state: Tenant, i: number, damaged = true): Record<string, unknown>[] {
  if (state.deleted.has(i)) return [];
  const { depots, branchCode, malformedEvery } = state.config;
  const own = generatedDepots(i, depots);
  const moved = depots.filter((d) => !own.includes(d) && state.movements.has(`${i}:${d}`));
  const price = purchasePrice(i);
  // In depot order: tables.ts declares (STOK_KODU, DEPO_KODU) as the table's key.
  return [...own, ...moved]
    .sort((a, b) => a - b)
    .map((depot) => {
      const slot = own.indexOf(depot);
      const base = slot >= 0 ? generated(i, slot, slot === own.length - 1) : zero();
      const m = state.movements.get(`${i}:${depot}`) ?? zero();
      const giris = round3(base.giris + m.giris);
      const cikis = round3(base.cikis + m.cikis);
      const broken = damaged && !!malformedEvery && i % malformedEvery === 0;
      return {
        STOK_KODU: itemCode(i),
        SUBE_KODU: branchCode,
        DEPO_KODU: depot,
        TOP_GIRIS_MIK: giris,
        TOP_GIRIS_TUT: round2(giris * price),
        TOP_CIKIS_MIK: broken ? null : cikis,
        TOP_CIKIS_TUT: round2(cikis * price),
        SON_GIR_BR_FIAT: price,
        SON_GIR_NET_FIAT: price,
        STOK_DAGITIM: 0,
        MUS_TOP_SIPARIS: round3(m.musSiparis),
        MUS_TOP_TESLIM: 0,
        SAT_TOP_TESLIM: 0,
        SAT_TOP_SIPARIS: round3(m.satSiparis),
        YOLMIK: 0,
      };
    });
}

/** Item i as a TBLSTSABIT row. */
export function cardRow(state: Tenant, i: number): Record<string, unknown> {
  const { branchCode, depots, malformedEvery } = state.config;
  const card = primInfo(i, { branchCode, depots, malformedEvery, locks: state.locks.get(i) });
  return Object.fromEntries(STSABIT_FIELDS.map((f) => [f.toUpperCase(), card[f] ?? null]));
}

/** The balance the tests take as the truth: per depot, and their sum. */
export function stockTruth(state: Tenant, i: number): { total: number; byDepot: Record<string, number> } {
  const byDepot: Record<string, number> = {};
  let total = 0;
  for (const row of stockRows(state, i, false)) {
    const balance = round3(Number(row.TOP_GIRIS_MIK) - Number(row.TOP_CIKIS_MIK));
    byDepot[String(row.DEPO_KODU)] = balance;
    total = round3(total + balance);
  }
  return { total, byDepot };
}

/** Adds a slip line's effect to an item's balance in a depot. */
export function move(state: Tenant, i: number, depot: number, change: Partial<Movement>): void {
  const key = `${i}:${depot}`;
  const m = state.movements.get(key) ?? zero();
  m.giris += change.giris ?? 0;
  m.cikis += change.cikis ?? 0;
  m.musSiparis += change.musSiparis ?? 0;
  m.satSiparis += change.satSiparis ?? 0;
  state.movements.set(key, m);
}

const zero = (): Movement => ({ giris: 0, cikis: 0, musSiparis: 0, satSiparis: 0 });
