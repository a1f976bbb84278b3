/**
 * The tenant's stock cards, generated on demand from their index (1-based): a page of 500 out
 * of 100,000 items costs 500 rows of work and nothing is stored. Item i always looks the same:
 *
 *   Stok_Kodu   NT-000001 …   (zero-padded, so index order is code order)
 *   Stok_Adi    Turkish words (ŞşİıĞğÜüÖöÇç)
 *   Olcu_Br1    KG on every 5th item, else AD; KG stock balances are fractional
 *   KDV_Orani   20, 10 on every 4th, 1 on every 9th
 *   Barkod1     a valid EAN-13 starting 869; null on every 8th item
 *   depots      0 (Merkez) and 1 (Mağaza); `ItemStocks` without a depot sums both
 *   prices      DovizTipi 0 (TL), 1 (USD) on every 25th, 2 (EUR) on every 40th; KdvDahil on every 3rd
 *
 * `malformedEvery` K breaks every K-th row: items alternately lose Stok_Kodu or get a
 * non-numeric KDV_Orani; stock and price rows lose StokKodu.
 */
export const DEPOTS = [0, 1] as const;

const GROUPS = ["GIDA", "TEKSTIL", "ZUCCACIYE", "ELEKTRIK", "KIRTASIYE"];
const ADJECTIVES = ["Kırmızı", "Yeşil", "Büyük", "Küçük", "Şık", "Çizgili", "İnce", "Ağır", "Üçlü", "Doğal"];
const MATERIALS = ["Pamuk", "Çelik", "Cam", "Ahşap", "İpek", "Deri", "Seramik", "Yün", "Bakır"];
const NOUNS = ["Şal", "Çanta", "Kupa", "Tencere", "Gömlek", "Şemsiye", "Döşek", "Çaydanlık", "Öğütücü"];

export const itemCode = (i: number): string => `NT-${String(i).padStart(6, "0")}`;

/** The index of a stock code that exists among `total` items (and is not broken), else null. */
export function itemIndex(code: unknown, total: number, malformedEvery = 0): number | null {
  const match = typeof code === "string" ? /^NT-(\d{6})$/.exec(code) : null;
  const i = match ? Number(match[1]) : 0;
  if (i < 1 || i > total) return null;
  return brokenCode(i, malformedEvery) ? null : i;
}

const isKg = (i: number) => i % 5 === 0;
const broken = (i: number, every: number) => every > 0 && i % every === 0;
const brokenCode = (i: number, every: number) => broken(i, every) && (i / every) % 2 === 1;

export function item(i: number, malformedEvery = 0): Record<string, unknown> {
  const pick = <T>(list: readonly T[], salt: number) => list[hash(i, salt) % list.length] as T;
  const basic: Record<string, unknown> = {
    Stok_Kodu: itemCode(i),
    Stok_Adi: `${pick(ADJECTIVES, 1)} ${pick(MATERIALS, 2)} ${pick(NOUNS, 3)}`,
    Grup_Kodu: pick(GROUPS, 4),
    KDV_Orani: i % 9 === 0 ? 1 : i % 4 === 0 ? 10 : 20,
    Olcu_Br1: isKg(i) ? "KG" : "AD",
    Sube_Kodu: 0,
  };
  if (broken(i, malformedEvery)) {
    if (brokenCode(i, malformedEvery)) delete basic.Stok_Kodu;
    else basic.KDV_Orani = "yüzde on";
  }
  return {
    StokTemelBilgi: basic,
    StokEkBilgi: { Barkod1: i % 8 === 0 ? null : ean13(i), Barkod2: null, Barkod3: null },
  };
}

/** The balance of item i in one depot, or in all of them (depot null). */
export function stock(i: number, depot: number | null, malformedEvery = 0): Record<string, unknown> {
  const depots = depot === null ? DEPOTS : [depot];
  let balance = 0;
  for (const d of depots) balance += isKg(i) ? (hash(i, 10 + d) % 50_000) / 1000 : hash(i, 10 + d) % 300;
  const row: Record<string, unknown> = { StokKodu: itemCode(i), DepoKodu: depot, Bakiye: round3(balance) };
  if (broken(i, malformedEvery)) delete row.StokKodu;
  return row;
}

export function price(i: number, malformedEvery = 0): Record<string, unknown> {
  const cents = 500 + (hash(i, 20) % 500_000);
  const row: Record<string, unknown> = {
    StokKodu: itemCode(i),
    Fiyat: cents / 100,
    DovizTipi: i % 40 === 0 ? 2 : i % 25 === 0 ? 1 : 0,
    KdvDahil: i % 3 === 0,
  };
  if (broken(i, malformedEvery)) delete row.StokKodu;
  return row;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function ean13(i: number): string {
  const body = `869${String(hash(i, 7) % 1_000_000_000).padStart(9, "0")}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * (k % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** A 32-bit mix of (row, salt): the same row gets the same values whatever else is generated. */
function hash(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
