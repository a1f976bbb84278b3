import { hash, isKg, money, pick, round3 } from "./generate.ts";

/**
 * The tenant's stock cards (N1 `Items` = `{ StokTemelBilgi, StokEkBilgi }`), generated on demand
 * from their index (1-based): a page of 500 out of 100,000 items costs 500 records of work and
 * nothing is stored. Item i always looks the same:
 *
 *   Stok_Kodu      NT-000001 …   (zero-padded, so index order is code order)
 *   Stok_Adi       Turkish words (ŞşİıĞğÜüÖöÇç); every 5th item is sold by the kilo (Olcu_Br1 KG)
 *   KDV_Orani      20, 10 on every 4th, 1 on every 9th
 *   Barkod1        a valid EAN-13 starting 869; null on every 8th item; Barkod2 on every 7th
 *                  item that has a Barkod1, Barkod3 on every 49th. StokEkBilgi has no barcode (N1).
 *   Satis_Fiat1..4 list prices; Satis_Fiat2 is 0 on every 3rd item, Satis_Fiat3 on every 2nd,
 *                  Satis_Fiat4 except on every 10th. Sat_Dov_Tip 2 (EUR) on every 40th item,
 *                  1 (USD) on every 25th, else 0 (TL); Dov_Satis_Fiat repeats Satis_Fiat1 for
 *                  the foreign-currency items and is 0 for the others.
 *   Kilit          "E" on every 97th item, SatisKilit "E" on every 89th, else "H"
 *   DEPO_KODU      the card's default depot: the second depot on every 10th item, else the first
 *   KayitTarihi    a datetime in 2019–2023; DuzeltmeTarihi null on every 3rd item (never edited)
 *
 * `malformedEvery` K breaks every K-th item: alternately it loses Stok_Kodu or gets a
 * non-numeric KDV_Orani.
 */
export interface CatalogueOptions {
  branchCode: number;
  depots: readonly number[];
  malformedEvery?: number | undefined;
  /** Lock fields set through `__sim/lock`, which win over the generated ones. */
  locks?: Partial<Record<"Kilit" | "SatisKilit", "E" | "H">> | undefined;
}

/** The default ERP's options (branch 0, depots 1 and 2). */
export const DEFAULT_OPTIONS: CatalogueOptions = { branchCode: 0, depots: [1, 2] };

const GROUPS = ["TEKSTIL", "ZUCCACIYE", "ELEKTRIK", "KIRTASIYE"];
const ADJECTIVES = ["Kırmızı", "Yeşil", "Büyük", "Küçük", "Şık", "Çizgili", "İnce", "Ağır", "Üçlü", "Doğal"];
const MATERIALS = ["Pamuk", "Çelik", "Cam", "Ahşap", "İpek", "Deri", "Seramik", "Yün", "Bakır"];
const NOUNS = ["Şal", "Çanta", "Kupa", "Tencere", "Gömlek", "Şemsiye", "Döşek", "Çaydanlık", "Öğütücü"];
const FOODS = ["Fındık", "Kuru Kayısı", "Pirinç", "Kırmızı Mercimek", "Çay", "Toz Şeker", "Bulgur", "Üzüm"];
const ORIGINS = ["Giresun", "Malatya", "Osmancık", "Rize", "Antep", "Manisa", "Karacabey"];

export const itemCode = (i: number): string => `NT-${String(i).padStart(6, "0")}`;

const broken = (i: number, every = 0) => every > 0 && i % every === 0;
const brokenCode = (i: number, every = 0) => broken(i, every) && (i / every) % 2 === 1;

/**
 * The index of a stock code among `total` items (whether or not it was deleted), else null.
 * Codes compare as the company database compares them: without case or trailing spaces
 * (SQL Server's CI collations; chosen, and the same as /Queries).
 */
export function itemIndex(code: unknown, total: number, malformedEvery = 0): number | null {
  const match = typeof code === "string" ? /^NT-(\d{6})$/.exec(code.replace(/ +$/, "").toUpperCase()) : null;
  const i = match ? Number(match[1]) : 0;
  if (i < 1 || i > total) return null;
  // An item whose card lost its code cannot be named.
  return brokenCode(i, malformedEvery) ? null : i;
}

/** The currency of the item's sales prices: 0 TL, 1 USD, 2 EUR (silent: chosen, see app.ts). */
export const currencyOf = (i: number): number => (i % 40 === 0 ? 2 : i % 25 === 0 ? 1 : 0);

/** Satis_Fiat1 and Alis_Fiat1 of item i, without building its card. */
export const listPrice = (i: number): number => money(500 + (hash(i, 20) % 500_000));
export const purchasePrice = (i: number): number => money(Math.round(listPrice(i) * 70));

/** The StokTemelBilgi record of item i (N1 ItemsPrimInfo). */
export function primInfo(i: number, options: CatalogueOptions): Record<string, unknown> {
  const kg = isKg(i);
  const price1 = listPrice(i);
  const price = (salt: number, zero: boolean) =>
    zero ? 0 : money(Math.round(price1 * 100 * (0.8 + (hash(i, salt) % 15) / 100)));
  const currency = currencyOf(i);
  const [first, second = first] = options.depots;
  const barcode1 = i % 8 === 0 ? null : ean13(i, 7);
  const card: Record<string, unknown> = {
    Stok_Kodu: itemCode(i),
    Sube_Kodu: options.branchCode,
    ISLETME_KODU: 1,
    Stok_Adi: kg
      ? `${pick(ORIGINS, i, 1)} ${pick(FOODS, i, 3)}`
      : `${pick(ADJECTIVES, i, 1)} ${pick(MATERIALS, i, 2)} ${pick(NOUNS, i, 3)}`,
    Uretici_Kodu: null,
    Grup_Kodu: kg ? "GIDA" : pick(GROUPS, i, 4),
    Kod_1: i % 6 === 0 ? "YAZ" : i % 6 === 3 ? "KIS" : null,
    Kod_2: null,
    Kod_3: null,
    Kod_4: null,
    Kod_5: null,
    Satici_Kodu: null,
    Olcu_Br1: kg ? "KG" : "AD",
    Olcu_Br2: !kg && i % 6 === 0 ? "KL" : null,
    Pay_1: !kg && i % 6 === 0 ? 12 : 1,
    Payda_1: 1,
    Olcu_Br3: null,
    Pay2: 1,
    Payda2: 1,
    Fiat_birimi: "1",
    Azami_Stok: 0,
    Asgari_Stok: kg ? 5 : 2,
    Satis_Fiat1: price1,
    Satis_Fiat2: price(21, i % 3 === 0),
    Satis_Fiat3: price(22, i % 2 === 0),
    Satis_Fiat4: price(23, i % 10 !== 0),
    Sat_Dov_Tip: currency,
    Dov_Alis_Fiat: 0,
    Dov_Satis_Fiat: currency === 0 ? 0 : price1,
    Dov_Mal_Fiat: 0,
    Birim_Agirlik: kg ? 1 : round3((hash(i, 30) % 5000) / 1000),
    KDV_Orani: i % 9 === 0 ? 1 : i % 4 === 0 ? 10 : 20,
    Alis_Dov_Tip: 0,
    DEPO_KODU: i % 10 === 0 ? second : first,
    DOV_TUR: currency,
    Bilesenmi: "H",
    Mamulmu: i % 13 === 0 ? "E" : "H",
    Kilit: options.locks?.Kilit ?? (i % 97 === 0 ? "E" : "H"),
    Barkod1: barcode1,
    Barkod2: barcode1 !== null && i % 7 === 0 ? ean13(i, 8) : null,
    Barkod3: barcode1 !== null && i % 49 === 0 ? ean13(i, 9) : null,
    Alis_Kdv_Kodu: null,
    Alis_Fiat1: purchasePrice(i),
    Alis_Fiat2: 0,
    Alis_Fiat3: 0,
    Alis_Fiat4: 0,
    SATICISIPKILIT: "H",
    MUSTERISIPKILIT: "H",
    SATINALMAKILIT: "H",
    SatisKilit: options.locks?.SatisKilit ?? (i % 89 === 0 ? "E" : "H"),
  };
  if (broken(i, options.malformedEvery)) {
    if (brokenCode(i, options.malformedEvery)) delete card.Stok_Kodu;
    else card.KDV_Orani = "yüzde on";
  }
  return card;
}

/** The StokEkBilgi record of item i (N1 ItemsSuppInfo): no barcode here. */
export function suppInfo(i: number): Record<string, unknown> {
  const created = Date.UTC(2019, 0, 1) + (hash(i, 40) % (5 * 365)) * 86_400_000 + (hash(i, 41) % 86_400) * 1000;
  const edited = i % 3 === 0 ? null : created + (1 + (hash(i, 42) % 400)) * 86_400_000 + (hash(i, 43) % 36_000) * 1000;
  return {
    Stok_Kodu: itemCode(i),
    Tur: i % 13 === 0 ? "M" : "T",
    Mgrup: isKg(i) ? "GIDA" : null,
    KayitTarihi: netDate(created),
    KayitYapanKul: "NETSIS",
    DuzeltmeTarihi: edited === null ? null : netDate(edited),
    DuzeltmeYapanKul: edited === null ? null : "NETSIS",
    Ingisim: null,
    Birim_Maliyet: 0,
    Kull1N: isKg(i) ? null : round3((hash(i, 44) % 90_000) / 1000),
    Kull2N: null,
    Kull3N: null,
    Kull4N: null,
    Kull5N: null,
    Kull6N: null,
    Kull7N: null,
    Kull8N: null,
    Kull1S: `RAF-${String.fromCharCode(65 + (hash(i, 45) % 8))}${(hash(i, 46) % 40) + 1}`,
    Kull2S: null,
    Kull3S: null,
    Kull4S: null,
    Kull5S: null,
    Kull6S: null,
    Kull7S: null,
    Kull8S: null,
    Son_Satal_Fiat: 0,
  };
}

/** Item i as `/Items` serves it. */
export const item = (i: number, options: CatalogueOptions = DEFAULT_OPTIONS) => ({
  StokTemelBilgi: primInfo(i, options),
  StokEkBilgi: suppInfo(i),
});

/** A .NET DateTime as Json.NET writes it by default: ISO without a zone. */
export const netDate = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

function ean13(i: number, salt: number): string {
  const body = `869${String(hash(i, salt) % 1_000_000_000).padStart(9, "0")}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * (k % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}
