import { SqlError } from "./errors.ts";

/** A column's type. Datetimes travel as text `YYYY-MM-DDTHH:MM:SS` (as Json.NET writes them). */
export type SqlType = "int" | "float" | "text" | "datetime";
export type SqlValue = number | string | null;
/** An expression's type: a column type, or "null" for the NULL literal. */
export type ExprType = SqlType | "null";

/**
 * How two values compare, from their types as SQL Server's type precedence decides: a datetime
 * wins, then a number (float over int) — text beside it converts to that type.
 */
export type Comparison = "datetime" | "float" | "int" | "text" | "null";

export function comparisonOf(left: ExprType, right: ExprType): Comparison {
  const types = [left, right];
  if (types.includes("null")) return "null";
  if (types.includes("datetime")) return "datetime";
  if (types.includes("float")) return "float";
  return types.includes("int") ? "int" : "text";
}

/** Compares two non-null values the way `comparison` says; throws SQL Server's conversion errors. */
export function compare(a: SqlValue, b: SqlValue, comparison: Comparison): number {
  if (comparison === "datetime") return Math.sign(toInstant(a) - toInstant(b));
  if (comparison === "int" || comparison === "float") {
    return Math.sign(toNumber(a, comparison) - toNumber(b, comparison));
  }
  return compareText(String(a), String(b));
}

/**
 * Text as the default collation (SQL_Latin1_General_CP1_CI_AS) compares it: case-insensitive,
 * trailing spaces ignored.
 */
export function compareText(a: string, b: string): number {
  const x = a.replace(/ +$/, "").toUpperCase();
  const y = b.replace(/ +$/, "").toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders values of one type, NULL first (as ORDER BY ... ASC does). */
export function sortCompare(a: SqlValue, b: SqlValue, type: ExprType): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compare(a, b, comparisonOf(type, type));
}

/** Text converted to a number as an implicit conversion to int or float does; numbers pass. */
export function toNumber(value: SqlValue, target: "int" | "float"): number {
  if (typeof value === "number") return value;
  const text = String(value).trim();
  const pattern = target === "int" ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  if (!pattern.test(text)) {
    throw new SqlError(245, `Conversion failed when converting the varchar value '${value}' to data type ${target}.`);
  }
  return Number(text);
}

const DATETIME = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** A datetime (or the text of one: 'YYYY-MM-DD', 'YYYYMMDD', optional time) as milliseconds. */
export function toInstant(value: SqlValue): number {
  const match = DATETIME.exec(String(value).trim());
  if (match) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", ms = "0"] = match;
    const at = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number(ms.padEnd(3, "0")),
    );
    const back = new Date(at);
    if (back.getUTCDate() === Number(d) && back.getUTCMonth() === Number(mo) - 1 && Number(h) < 24) return at;
  }
  throw new SqlError(241, "Conversion failed when converting date and/or time from character string.");
}
