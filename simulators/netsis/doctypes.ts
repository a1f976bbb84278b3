import type { Movement } from "./state.ts";

/**
 * N1 JTFaturaTip, in value order: ftSFat 0 (sales invoice), ftAFat 1, ftSIrs 2 (sales
 * waybill), ftAIrs 3, …, ftASip 6 (purchase order), ftSSip 7 (sales order), … ftSProforma 18.
 */
export const DOC_TYPES = [
  "ftSFat",
  "ftAFat",
  "ftSIrs",
  "ftAIrs",
  "ftDepo",
  "ftLokalDepo",
  "ftASip",
  "ftSSip",
  "ftAmbarG",
  "ftAmbarC",
  "ftSSIrs",
  "ftSAIrs",
  "ftAlTalep",
  "ftAlTeklif",
  "ftSatTalep",
  "ftSatTeklif",
  "ftSPSIrs",
  "ftSPAIrs",
  "ftSProforma",
] as const;

/** N1 JTFaturaTipi (FatUst.TIPI): ft_Bos 0 … ft_YurtDisi 8. */
const TIPI = [
  "ft_Bos",
  "ft_Kapali",
  "ft_Acik",
  "ft_Muhtelif",
  "ft_Iade",
  "ft_ZIade",
  "ft_Ihracat",
  "ft_YurtIci",
  "ft_YurtDisi",
];

/** An enum value as Json.NET reads it: its number, the number as text, or its name in any case. */
function enumValue(names: readonly string[], value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && value < names.length ? value : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return enumValue(names, Number(text));
  const at = names.findIndex((n) => n.toLowerCase() === text.toLowerCase());
  return at >= 0 ? at : null;
}

export const docType = (value: unknown): number | null => enumValue(DOC_TYPES, value);
export const tipi = (value: unknown): number | null => enumValue(TIPI, value);

/** Sales documents: where an item's SatisKilit applies and stock goes out (silent: chosen). */
const SALES = new Set([0, 2, 7, 15, 18]);
export const isSales = (type: number): boolean => SALES.has(type);

/**
 * What a stored slip does to TBLSTOKPH (silent: chosen, after Netsis' column names): invoices
 * and waybills move stock (sales out, purchases in), orders only count as open orders, other
 * documents change nothing.
 */
export function effect(type: number, quantity: number): Partial<Movement> | null {
  switch (type) {
    case 0:
    case 2:
      return { cikis: quantity };
    case 1:
    case 3:
      return { giris: quantity };
    case 7:
      return { musSiparis: quantity };
    case 6:
      return { satSiparis: quantity };
    default:
      return null;
  }
}
