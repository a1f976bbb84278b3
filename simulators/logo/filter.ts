import { compareText, likeMatcher, SqlError } from "../shared/sql/index.ts";
import type { FieldType } from "./catalogue.ts";
import { literalInstant } from "./clock.ts";

/**
 * The `q` filter of Logo's list endpoints (L2 queryBuilder.ts, L5, L6), parsed for real:
 *
 *   expr := and ("or" and)*        and := term ("and" term)*
 *   term := "(" expr ")" | FIELD op literal
 *   op   := eq | neq | ne | gt | gte | ge | lt | lte | le | like      (any case)
 *   literal := number (-12, 3.5) | 'text' ('' is a quote)
 *
 * Field names in any case. The REST service turns `q` into SQL, so it compares as SQL Server
 * does: text without case; `like` with `*` (L2, L5) or `%` as wildcards; a number field with
 * 'text' converts the text (245 when it is no number); a date field with a date literal —
 * 'dd.mm.yyyy' (L2), 'yyyy-mm-dd' or 'yyyy-mm-ddThh:mm:ss' — compares instants (how Logo
 * itself compares them is silent: chosen). A missing value (NULL) matches nothing, not even
 * `ne`. Errors are SqlErrors: 207 an unknown field, 102 bad syntax, 241/245 a bad literal.
 */
export interface Field {
  type: FieldType;
  get(index: number): string | number | null;
}
export type Fields = Readonly<Record<string, Field>>;
export type Predicate = (index: number) => boolean;

type Token =
  | { kind: "word"; text: string }
  | { kind: "number"; text: string }
  | { kind: "text"; text: string }
  | { kind: "(" | ")" | "end"; text: string };

const OPS: Record<string, (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  neq: (c) => c !== 0,
  gt: (c) => c > 0,
  gte: (c) => c >= 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  lte: (c) => c <= 0,
  le: (c) => c <= 0,
};
const MAX_DEPTH = 32;

/** The canonical name of a field written in any case; 207 when there is none. */
export function fieldName(fields: Fields, name: string): string {
  const upper = name.toUpperCase();
  const found = Object.keys(fields).find((f) => f === upper);
  if (!found) throw new SqlError(207, `Invalid column name '${name}'.`);
  return found;
}

export function parseFilter(q: string, fields: Fields): Predicate {
  const tokens = tokenize(q);
  let at = 0;
  const peek = () => tokens[at] as Token;
  const fail = (): never => {
    const token = peek().kind === "end" && at > 0 ? (tokens[at - 1] as Token) : peek();
    throw new SqlError(102, `Incorrect syntax near '${token.text}'.`);
  };
  const keyword = (word: string) => {
    const token = peek();
    if (token.kind !== "word" || token.text.toLowerCase() !== word) return false;
    at++;
    return true;
  };
  const expr = (depth: number): Predicate => {
    if (depth > MAX_DEPTH) fail();
    const parts = [conjunction(depth)];
    while (keyword("or")) parts.push(conjunction(depth));
    return parts.length === 1 ? (parts[0] as Predicate) : (i) => parts.some((p) => p(i));
  };
  const conjunction = (depth: number): Predicate => {
    const parts = [term(depth)];
    while (keyword("and")) parts.push(term(depth));
    return parts.length === 1 ? (parts[0] as Predicate) : (i) => parts.every((p) => p(i));
  };
  const term = (depth: number): Predicate => {
    const token = peek();
    if (token.kind === "(") {
      at++;
      const inner = expr(depth + 1);
      if (peek().kind !== ")") fail();
      at++;
      return inner;
    }
    if (token.kind !== "word") return fail();
    at++;
    const field = fields[fieldName(fields, token.text)] as Field;
    const op = peek().text.toLowerCase();
    if (peek().kind !== "word" || (op !== "like" && !Object.hasOwn(OPS, op))) return fail();
    at++;
    const literal = peek();
    if (literal.kind !== "number" && literal.kind !== "text") return fail();
    at++;
    return op === "like"
      ? like(field, String(literal.text))
      : comparison(field, OPS[op] as (c: number) => boolean, literal);
  };
  const predicate = expr(0);
  if (peek().kind !== "end") fail();
  return predicate;
}

function like(field: Field, pattern: string): Predicate {
  const matches = likeMatcher(pattern.replaceAll("*", "%"));
  return (i) => {
    const value = field.get(i);
    return value !== null && matches(String(value));
  };
}

function comparison(field: Field, test: (c: number) => boolean, literal: Token): Predicate {
  if (field.type === "date") {
    const instant = literal.kind === "text" ? literalInstant(literal.text) : undefined;
    if (instant === undefined)
      throw new SqlError(241, "Conversion failed when converting date and/or time from character string.");
    // Dates repeat (a day per record at most): parse each once.
    const parsed = new Map<string, number | undefined>();
    return (i) => {
      const value = field.get(i);
      if (typeof value !== "string") return false;
      if (!parsed.has(value)) parsed.set(value, literalInstant(value));
      const at = parsed.get(value);
      return at !== undefined && test(Math.sign(at - instant));
    };
  }
  if (field.type === "number" || literal.kind === "number") {
    const wanted = number(literal.text, literal.kind === "number");
    return (i) => {
      const raw = field.get(i);
      // A number field holding no number (a malformed record) is as good as NULL.
      if (raw === null || (field.type === "number" && typeof raw !== "number")) return false;
      return test(Math.sign(number(String(raw), field.type === "number") - wanted));
    };
  }
  return (i) => {
    const value = field.get(i);
    return value !== null && test(compareText(String(value), literal.text));
  };
}

function number(text: string, known: boolean): number {
  if (known || /^\s*[+-]?\d+(\.\d+)?\s*$/.test(text)) return Number(text);
  throw new SqlError(245, `Conversion failed when converting the nvarchar value '${text}' to data type int.`);
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(-?\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([()])|(\S))/y;
  for (let match = pattern.exec(q); match; match = pattern.exec(q)) {
    if (match[1] !== undefined) tokens.push({ kind: "word", text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: "number", text: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: "text", text: match[3].replaceAll("''", "'") });
    else if (match[4] !== undefined) tokens.push({ kind: match[4] as "(" | ")", text: match[4] });
    else if (match[5] === "'")
      throw new SqlError(105, `Unclosed quotation mark after the character string '${q.slice(pattern.lastIndex)}'.`);
    else throw new SqlError(102, `Incorrect syntax near '${match[5]}'.`);
  }
  tokens.push({ kind: "end", text: "" });
  return tokens;
}
