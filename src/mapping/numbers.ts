import { quote, TransformationError } from "./transformation-error.ts";

/** Which character separates the decimals when the text alone cannot tell (`1.234`, `1,234`). */
export type DecimalSeparator = "." | ",";

// A plain number as JavaScript writes it: optional sign, dot decimal, optional exponent. Number()
// alone would also take "0x1F", "Infinity" and "" (as 0), none of which is a price.
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE_NUMBER = /^[+-]?\d+(?:\.0*)?$/;
const DECIMAL_TEXT = /^([+-]?)([\d.,]+)$/;
const DIGITS = /^\d*$/;
const GROUPED_BY_DOT = /^\d{1,3}(?:\.\d{3})+$/;
const GROUPED_BY_COMMA = /^\d{1,3}(?:,\d{3})+$/;
// One to three digits, not starting with 0, then one separator and exactly three digits.
const AMBIGUOUS = /^[1-9]\d{0,2}[.,]\d{3}$/;

/** A dot-decimal number (`29.99`, `-3`, `1e3`), or undefined when the text is anything else. */
export function parsePlainNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PLAIN_NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** A whole number (`12`, `-3`, `12.0`), or undefined for `12.5`, `abc` and unsafe integers. */
export function parseWholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE_NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) return undefined;
  return value === 0 ? 0 : value; // "-0" is no stock level anyone means
}

/**
 * A number written with a comma or a dot as decimal separator and optionally the other one as
 * thousands separator: `29,99`, `1.234,56`, `1,234.56`, `1.234.567`. When both appear, the last
 * one is the decimal separator; one that appears more than once separates thousands.
 *
 * A single separator followed by exactly three digits (`1,234`, `1.234`) could be either. The
 * `decimalSeparator` option decides; without it the separator is read as the decimal one,
 * because ERP exports write decimals far more often than they group thousands. Text whose
 * grouping is impossible for thousands (`0,123`, `1234,567`) is a decimal whatever the option.
 *
 * @returns the number, or undefined when the text is not such a number
 */
export function parseDecimalText(text: string, decimalSeparator?: DecimalSeparator): number | undefined {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return undefined;
  const sign = match[1] ?? "";
  const body = match[2] ?? "";
  const lastDot = body.lastIndexOf(".");
  const lastComma = body.lastIndexOf(",");
  let decimal: DecimalSeparator | null;
  if (lastDot >= 0 && lastComma >= 0) decimal = lastDot > lastComma ? "." : ",";
  else if (lastDot < 0 && lastComma < 0) decimal = null;
  else {
    const separator = lastDot >= 0 ? "." : ",";
    if (body.indexOf(separator) !== body.lastIndexOf(separator)) decimal = null;
    else if (AMBIGUOUS.test(body)) decimal = decimalSeparator ?? separator;
    else decimal = separator;
  }
  const at = decimal === null ? -1 : body.lastIndexOf(decimal);
  const whole = at < 0 ? body : body.slice(0, at);
  const fraction = at < 0 ? "" : body.slice(at + 1);
  if (at >= 0 && (fraction === "" || !DIGITS.test(fraction))) return undefined;
  let digits: string;
  if (DIGITS.test(whole)) {
    if (whole === "" && fraction === "") return undefined;
    digits = whole;
  } else if (decimal !== "." && GROUPED_BY_DOT.test(whole)) digits = whole.replaceAll(".", "");
  else if (decimal !== "," && GROUPED_BY_COMMA.test(whole)) digits = whole.replaceAll(",", "");
  else return undefined;
  const value = Number(`${sign}${digits || "0"}${fraction ? `.${fraction}` : ""}`);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The number in a value that a numeric transformation receives: a finite number as is, text
 * read like `parseDecimal` reads it.
 *
 * @throws TransformationError for anything else
 */
export function toNumber(value: unknown, decimalSeparator: DecimalSeparator | undefined): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === "string") {
    const parsed = parseDecimalText(value, decimalSeparator);
    if (parsed !== undefined) return parsed;
  }
  throw new TransformationError(`cannot read ${quote(value)} as a number`);
}

/**
 * Rounds half away from zero to `digits` decimals. Shifting through the decimal exponent rather
 * than multiplying keeps `1.005` at 1.01 where `Math.round(1.005 * 100) / 100` gives 1.
 */
export function roundTo(value: number, digits: number): number {
  const magnitude = Math.round(shift(Math.abs(value), digits));
  const rounded = shift(magnitude, -digits);
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

function shift(value: number, exponent: number): number {
  const [mantissa, power = "0"] = String(value).split("e");
  return Number(`${mantissa}e${Number(power) + exponent}`);
}
