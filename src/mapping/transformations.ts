import {
  type DecimalSeparator,
  parseDecimalText,
  parsePlainNumber,
  parseWholeNumber,
  roundTo,
  toNumber,
} from "./numbers.ts";
import type { MappingDocument } from "./schema.ts";
import { quote, TransformationError } from "./transformation-error.ts";

export { TransformationError } from "./transformation-error.ts";

/** The lookup tables of a mapping document, read by `lookup:<table>`. */
export type Lookups = MappingDocument["lookups"];

/** What may change how a value is read from one run to the next (the integration's settings). */
export interface TransformOptions {
  /** Decides the ambiguous `1,234` / `1.234` for `parseDecimal` and the numeric transformations. */
  decimalSeparator?: DecimalSeparator | undefined;
}

/**
 * One named transformation: how its argument is written (null when it takes none), the parser
 * run once per mapping for that argument, and the function run once per value.
 */
export interface Transformation<A = unknown> {
  readonly argument: string | null;
  /** @throws TransformationError when the argument is unusable */
  parse(argument: string, lookups: Lookups): A;
  /** @throws TransformationError when the value cannot be converted */
  apply(value: unknown, argument: A, options: TransformOptions): unknown;
}

const NONE: Pick<Transformation<undefined>, "argument" | "parse"> = { argument: null, parse: () => undefined };

/** Generic helper so each entry's argument type is checked against its own `apply`. */
function define<A>(transformation: Transformation<A>): Transformation {
  return transformation as Transformation;
}

/** Scalars as text; numbers come out as JavaScript writes them (`29.99`). */
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new TransformationError(`cannot read ${quote(value)} as text`);
}

function numberArgument(text: string): number {
  const value = parsePlainNumber(text);
  if (value === undefined) throw new TransformationError(`${quote(text)} is not a number`);
  return value;
}

function rateArgument(text: string): number {
  const rate = numberArgument(text);
  if (rate < 0 || rate > 100) throw new TransformationError("the rate must be a percentage from 0 to 100");
  return rate;
}

// Binary floating point turns 29.99 × 100 into 2998.9999999999995; 15 significant digits is as
// many as a double holds exactly, so cutting there removes the noise and nothing else.
function clean(value: number): number {
  return Number(value.toPrecision(15));
}

const TRUE_WORDS = new Set(["1", "true", "yes", "y", "evet", "e"]);
const FALSE_WORDS = new Set(["0", "false", "no", "n", "hayır", "hayir", "h"]);
const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= days;
}

/**
 * The closed set of transformations a mapping rule may name. Keys are the names written in a
 * rule's `transformation`; anything else is rejected when the mapping is saved.
 */
export const TRANSFORMATIONS = {
  trim: define({ ...NONE, apply: (value) => asText(value).trim() }),
  // toUpperCase/toLowerCase follow Unicode's default casing, not Turkish rules: ş→Ş and ğ→Ğ,
  // but ı→I and İ→i̇ (i with a combining dot). Good enough for codes and currencies.
  uppercase: define({ ...NONE, apply: (value) => asText(value).toUpperCase() }),
  lowercase: define({ ...NONE, apply: (value) => asText(value).toLowerCase() }),
  toString: define({ ...NONE, apply: asText }),
  parseFloat: define({
    ...NONE,
    apply(value) {
      const parsed = typeof value === "string" ? parsePlainNumber(value) : value;
      if (typeof parsed === "number" && Number.isFinite(parsed)) return parsed;
      throw new TransformationError(`cannot read ${quote(value)} as a number`);
    },
  }),
  parseInt: define({
    ...NONE,
    apply(value) {
      const parsed = typeof value === "string" ? parseWholeNumber(value) : value;
      if (typeof parsed === "number" && Number.isSafeInteger(parsed)) return parsed;
      throw new TransformationError(`cannot read ${quote(value)} as a whole number`);
    },
  }),
  parseDecimal: define({
    ...NONE,
    apply(value, _argument, options) {
      const parsed = typeof value === "string" ? parseDecimalText(value, options.decimalSeparator) : value;
      if (typeof parsed === "number" && Number.isFinite(parsed)) return parsed;
      throw new TransformationError(`cannot read ${quote(value)} as a decimal number`);
    },
  }),
  toBoolean: define({
    ...NONE,
    apply(value) {
      if (typeof value === "boolean") return value;
      const word = typeof value === "string" || typeof value === "number" ? String(value).trim().toLowerCase() : "";
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw new TransformationError(`cannot read ${quote(value)} as yes or no`);
    },
  }),
  multiply: define({
    argument: "<number>",
    parse: numberArgument,
    apply: (value, factor, options) => clean(toNumber(value, options.decimalSeparator) * factor),
  }),
  divide: define({
    argument: "<number>",
    parse(text) {
      const divisor = numberArgument(text);
      if (divisor === 0) throw new TransformationError("cannot divide by zero");
      return divisor;
    },
    apply: (value, divisor, options) => clean(toNumber(value, options.decimalSeparator) / divisor),
  }),
  round: define({
    argument: "<digits>",
    parse(text) {
      const digits = parseWholeNumber(text);
      if (digits === undefined || digits < 0 || digits > 6) {
        throw new TransformationError("the number of digits must be a whole number from 0 to 6");
      }
      return digits;
    },
    apply: (value, digits, options) => roundTo(toNumber(value, options.decimalSeparator), digits),
  }),
  vatInclude: define({
    argument: "<rate>",
    parse: rateArgument,
    apply: (value, rate, options) => roundTo(toNumber(value, options.decimalSeparator) * (1 + rate / 100), 2),
  }),
  vatExclude: define({
    argument: "<rate>",
    parse: rateArgument,
    apply: (value, rate, options) => roundTo(toNumber(value, options.decimalSeparator) / (1 + rate / 100), 2),
  }),
  dateYYYYMMDD: define({
    ...NONE,
    apply(value) {
      const match = YYYYMMDD.exec(asText(value).trim());
      if (!match) throw new TransformationError(`cannot read ${quote(value)} as a date written YYYYMMDD`);
      const [, year = "", month = "", day = ""] = match;
      if (!isRealDate(Number(year), Number(month), Number(day))) {
        throw new TransformationError(`${quote(value)} is not a real calendar date`);
      }
      return `${year}-${month}-${day}`;
    },
  }),
  lookup: define({
    argument: "<table>",
    parse(name, lookups) {
      const table = Object.hasOwn(lookups, name) ? lookups[name] : undefined;
      if (table) return { name, table };
      const tables = Object.keys(lookups);
      const known = tables.length > 0 ? `the tables are ${tables.join(", ")}` : "the mapping has no lookup tables";
      throw new TransformationError(`there is no lookup table ${quote(name)}; ${known}`);
    },
    apply(value, { name, table }) {
      const key = asText(value);
      // hasOwn, not `in`: a value such as "constructor" must not find Object.prototype.
      if (Object.hasOwn(table, key)) return table[key];
      throw new TransformationError(`no entry for ${quote(key)} in lookup table '${name}'`);
    },
  }),
} satisfies Record<string, Transformation>;

export type TransformationName = keyof typeof TRANSFORMATIONS;

/** Every name with its argument, as listed in messages: `trim, …, multiply:<number>, …`. */
export const TRANSFORMATION_USAGE = Object.entries(TRANSFORMATIONS)
  .map(([name, t]) => (t.argument ? `${name}:${t.argument}` : name))
  .join(", ");
