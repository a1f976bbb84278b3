/**
 * A deterministic product catalogue as an ERP or Excel would export it, for sync tests of any
 * size. Row i (1-based) always gets the same values for the same seed:
 *
 *   sku       SKU-000001 …
 *   name      Turkish words with ŞşİıĞğÜüÖöÇç; every 7th row (i % 7 === 3) also holds the
 *             delimiter and a double quote, so it is quoted with the quote doubled
 *   price     decimal comma ("1234,50"), quoted when the delimiter is a comma
 *   stock     an integer 0–500
 *   barcode   a valid EAN-13 starting 869
 *   currency  TRY, EUR on every 50th row
 *
 * `version` V raises the price of every 100th row (i = 100, 200, …) by V − 1 lira, so two
 * versions differ in exactly those rows (1%). `malformedEvery` K drops the currency field
 * of every K-th row. Lines end in CRLF unless `eol` is `lf`.
 */
export interface CatalogueOptions {
  rows: number;
  seed: number;
  delimiter: "," | ";" | "\t";
  encoding: "utf-8" | "windows-1254";
  malformedEvery: number;
  version: number;
  eol: "\r\n" | "\n";
}

export const CATALOGUE_HEADER = ["sku", "name", "price", "stock", "barcode", "currency"] as const;

const BRANDS = ["ÇAĞDAŞ", "GÜNEŞ", "DOĞUŞ", "ÖZİŞ", "Işık", "Yıldız"];
const ADJECTIVES = ["Kırmızı", "Yeşil", "Büyük", "Küçük", "Şık", "Çizgili", "Ödüllü", "İnce", "Ağır", "Üçlü", "Doğal"];
const MATERIALS = ["Pamuk", "Çelik", "Cam", "Ahşap", "İpek", "Deri", "Seramik", "Yün", "Porselen", "Bakır"];
const NOUNS = ["Şal", "Çanta", "Kupa", "Tencere", "Gömlek", "Şemsiye", "Işıldak", "Döşek", "Çaydanlık", "Öğütücü"];

/** The catalogue as text, before encoding. */
export function catalogueText(options: CatalogueOptions): string {
  const { delimiter, eol } = options;
  const lines: string[] = [CATALOGUE_HEADER.join(delimiter)];
  for (let i = 1; i <= options.rows; i++) {
    const fields = catalogueRow(options, i);
    if (options.malformedEvery > 0 && i % options.malformedEvery === 0) fields.pop();
    lines.push(fields.map((f) => quote(f, delimiter)).join(delimiter));
  }
  return lines.join(eol) + eol;
}

/** The values of row `i` (1-based), unquoted: what a correct reader returns for it. */
export function catalogueRow(options: Pick<CatalogueOptions, "seed" | "delimiter" | "version">, i: number): string[] {
  const pick = <T>(list: readonly T[], salt: number) => list[hash(options.seed, i, salt) % list.length] as T;
  let name = `${pick(BRANDS, 1)} ${pick(ADJECTIVES, 2)} ${pick(MATERIALS, 3)} ${pick(NOUNS, 4)}`;
  if (i % 7 === 3) name += ` 30 cm"${options.delimiter} 2'li paket`;
  let cents = 500 + (hash(options.seed, i, 5) % 500_000);
  if (i % 100 === 0) cents += (options.version - 1) * 100;
  const price = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
  const stock = String(hash(options.seed, i, 6) % 501);
  const currency = i % 50 === 0 ? "EUR" : "TRY";
  return [`SKU-${String(i).padStart(6, "0")}`, name, price, stock, ean13(options.seed, i), currency];
}

function quote(field: string, delimiter: string): string {
  const needs = field.includes(delimiter) || field.includes('"') || field.includes("\n") || field.includes("\r");
  return needs ? `"${field.replaceAll('"', '""')}"` : field;
}

function ean13(seed: number, i: number): string {
  const body = `869${String(hash(seed, i, 7) % 1_000_000_000).padStart(9, "0")}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * (k % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** A 32-bit mix of (seed, row, salt): the same row gets the same values whatever else is generated. */
function hash(seed: number, i: number, salt: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

let win1254: Map<string, number> | undefined;

/** Text as bytes in `encoding`; characters windows-1254 lacks become `?`. */
export function encodeText(text: string, encoding: CatalogueOptions["encoding"]): Uint8Array {
  if (encoding === "utf-8") return new TextEncoder().encode(text);
  if (!win1254) {
    // The runtime only decodes windows-1254; its table, read backwards, is the encoder.
    const decoded = new TextDecoder("windows-1254").decode(Uint8Array.from({ length: 256 }, (_, b) => b));
    win1254 = new Map(Array.from(decoded, (char, byte) => [char, byte]));
  }
  const out = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) out[k] = win1254.get(text.charAt(k)) ?? 0x3f;
  return out;
}
