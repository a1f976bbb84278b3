/**
 * The `q` filter of Logo's list endpoints, parsed for real (tokens, then recursive descent):
 *
 *   expr        := conjunction ("or" conjunction)*
 *   conjunction := term ("and" term)*
 *   term        := "(" expr ")" | FIELD op literal
 *   op          := eq | ne | gt | ge | lt | le            (keywords in any case)
 *   literal     := number (-12, 3.5) | 'text' ('' is a quote inside)
 *
 * A field is compared with a literal of its own type (a number field with a number, a text
 * field with text; dates are text like '2024-05-01', compared as text). A value of another
 * type (a missing CODE, VAT "abc") matches only `ne`. Errors name the position.
 */
export type FieldType = "number" | "string";
export interface Field {
  type: FieldType;
  get(index: number): unknown;
}
export type Fields = Readonly<Record<string, Field>>;
export type Predicate = (index: number) => boolean;

export class QueryError extends Error {
  override name = "QueryError";
}

type Token =
  | { kind: "word"; text: string; at: number }
  | { kind: "literal"; value: number | string; at: number }
  | { kind: "(" | ")" | "end"; at: number };

const OPS = {
  eq: (c: number) => c === 0,
  ne: (c: number) => c !== 0,
  gt: (c: number) => c > 0,
  ge: (c: number) => c >= 0,
  lt: (c: number) => c < 0,
  le: (c: number) => c <= 0,
} as const;
const MAX_LENGTH = 4000;
const MAX_DEPTH = 32;

/** The predicate `q` describes over a table with `fields`; throws QueryError when `q` is not one. */
export function parseFilter(q: string, fields: Fields): Predicate {
  if (q.length > MAX_LENGTH) throw new QueryError(`q is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(q);
  let at = 0;
  const peek = (): Token => tokens[at] as Token;
  const keyword = (word: string): boolean => {
    const token = peek();
    if (token.kind !== "word" || token.text.toLowerCase() !== word) return false;
    at++;
    return true;
  };
  const fail = (token: Token, expected: string): never => {
    const found = token.kind === "end" ? "the end" : `'${describe(token)}'`;
    throw new QueryError(`syntax error in q at position ${token.at + 1}: expected ${expected}, found ${found}`);
  };

  const expr = (depth: number): Predicate => {
    if (depth > MAX_DEPTH) throw new QueryError(`q nests parentheses deeper than ${MAX_DEPTH}`);
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
      if (peek().kind !== ")") fail(peek(), "')'");
      at++;
      return inner;
    }
    if (token.kind !== "word") return fail(token, "a field name or '('");
    at++;
    const field = Object.hasOwn(fields, token.text) ? fields[token.text] : undefined;
    if (!field) throw new QueryError(`unknown field '${token.text}' in q; fields: ${Object.keys(fields).join(", ")}`);
    const opToken = peek();
    const op = opToken.kind === "word" ? opToken.text.toLowerCase() : "";
    if (!Object.hasOwn(OPS, op)) return fail(opToken, "one of eq, ne, gt, ge, lt, le");
    at++;
    const literal = peek();
    if (literal.kind !== "literal") return fail(literal, "a number or a 'quoted' text");
    at++;
    if (typeof literal.value !== field.type) {
      throw new QueryError(`${token.text} is a ${field.type} field; compare it with a ${field.type}`);
    }
    return comparison(field, OPS[op as keyof typeof OPS], op === "ne", literal.value);
  };

  const predicate = expr(0);
  if (peek().kind !== "end") fail(peek(), "'and', 'or' or the end");
  return predicate;
}

function comparison(field: Field, test: (c: number) => boolean, isNe: boolean, literal: number | string): Predicate {
  return (i) => {
    const value = field.get(i) as number | string;
    if (typeof value !== typeof literal || Number.isNaN(value)) return isNe;
    return test(value < literal ? -1 : value > literal ? 1 : 0);
  };
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(-?\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([()])|(\S))/y;
  let match: RegExpExecArray | null = null;
  for (;;) {
    const start = pattern.lastIndex;
    match = pattern.exec(q);
    if (!match) break;
    const at = start + (match[0].length - match[0].trimStart().length);
    if (match[1] !== undefined) tokens.push({ kind: "word", text: match[1], at });
    else if (match[2] !== undefined) tokens.push({ kind: "literal", value: Number(match[2]), at });
    else if (match[3] !== undefined) tokens.push({ kind: "literal", value: match[3].replaceAll("''", "'"), at });
    else if (match[4] !== undefined) tokens.push({ kind: match[4] as "(" | ")", at });
    else {
      const unterminated = match[5] === "'";
      throw new QueryError(
        `syntax error in q at position ${at + 1}: ${unterminated ? "unterminated text" : `unexpected '${match[5]}'`}`,
      );
    }
  }
  tokens.push({ kind: "end", at: q.length });
  return tokens;
}

function describe(token: Token): string {
  if (token.kind === "word") return token.text;
  if (token.kind === "literal") return typeof token.value === "string" ? `'${token.value}'` : String(token.value);
  return token.kind;
}
