/**
 * The `q` parameter of list calls (N1 SelectFilter.Filter, sent as `&q=`). What it looks like is
 * silent; chosen: a SQL WHERE clause, which is what a server built on SQL tables most likely
 * pastes it into:
 *
 *   Stok_Kodu = 'NT-000001'      Satis_Fiat1 > 100 AND Grup_Kodu <> 'GIDA'
 *   Stok_Adi LIKE '%Çay%'        Barkod1 IS NULL      Kod_1 IN ('YAZ', 'KIS')
 *   DuzeltmeTarihi >= '2024-01-01'    (A OR B) AND NOT C
 *
 * Operators =, <>, !=, <, >, <=, >=, [NOT] LIKE (% and _), IS [NOT] NULL, [NOT] IN (…), AND, OR,
 * NOT, parentheses; strings in single quotes ('' for a quote), numbers. Keywords and column names
 * ignore case; string comparisons ignore case too, as SQL Server's Turkish_CI_AS collation does.
 * NULL compares false, as in SQL. A date literal ('2024-01-01', '01.02.2024') compares with the
 * ISO datetimes the records carry.
 */
export class FilterError extends Error {}

export type Get = (key: string) => unknown;
export type Predicate = (get: Get) => boolean;

type Token = { kind: "word" | "string" | "number" | "op" | "punct"; text: string };

const TOKEN = /\s*(?:(N?'(?:[^']|'')*')|(-?\d+(?:\.\d+)?)\b|(<>|!=|<=|>=|=|<|>)|([(),])|([A-Za-z_][\w.]*))/y;

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < q.length) {
    if (/^\s*$/.test(q.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(q);
    if (!m) throw new FilterError(`Incorrect syntax near '${q.slice(at).trim().slice(0, 20)}'.`);
    if (m[1]) out.push({ kind: "string", text: m[1].replace(/^N/, "").slice(1, -1).replace(/''/g, "'") });
    else if (m[2]) out.push({ kind: "number", text: m[2] });
    else if (m[3]) out.push({ kind: "op", text: m[3] });
    else if (m[4]) out.push({ kind: "punct", text: m[4] });
    else out.push({ kind: "word", text: m[5] ?? "" });
  }
  return out;
}

/** Parses `q`; `resolve` maps a column name to its key in the records, or null if unknown. */
export function parseFilter(q: string, resolve: (name: string) => string | null): Predicate {
  const tokens = tokenize(q);
  let at = 0;
  const peek = () => tokens[at];
  const keyword = (word: string) => {
    const t = peek();
    if (t?.kind === "word" && t.text.toUpperCase() === word) {
      at++;
      return true;
    }
    return false;
  };
  const expect = (text: string) => {
    if (peek()?.text !== text) throw new FilterError(`Incorrect syntax near '${peek()?.text ?? q}'.`);
    at++;
  };
  const literal = (): unknown => {
    const t = tokens[at++];
    if (t?.kind === "string") return t.text;
    if (t?.kind === "number") return Number(t.text);
    if (t?.kind === "word" && t.text.toUpperCase() === "NULL") return null;
    throw new FilterError(`Incorrect syntax near '${t?.text ?? q}'.`);
  };

  const or = (): Predicate => {
    let left = and();
    while (keyword("OR")) {
      const [a, b] = [left, and()];
      left = (get) => a(get) || b(get);
    }
    return left;
  };
  const and = (): Predicate => {
    let left = not();
    while (keyword("AND")) {
      const [a, b] = [left, not()];
      left = (get) => a(get) && b(get);
    }
    return left;
  };
  const not = (): Predicate => {
    if (keyword("NOT")) {
      const inner = not();
      return (get) => !inner(get);
    }
    if (peek()?.text === "(") {
      at++;
      const inner = or();
      expect(")");
      return inner;
    }
    return comparison();
  };
  const comparison = (): Predicate => {
    const column = tokens[at++];
    if (column?.kind !== "word") throw new FilterError(`Incorrect syntax near '${column?.text ?? q}'.`);
    const key = resolve(column.text);
    if (key === null) throw new FilterError(`Invalid column name '${column.text}'.`);
    if (keyword("IS")) {
      const negate = keyword("NOT");
      if (!keyword("NULL")) throw new FilterError("Incorrect syntax near 'IS'.");
      return (get) => (get(key) === null || get(key) === undefined) !== negate;
    }
    const negate = keyword("NOT");
    if (keyword("LIKE")) {
      const pattern = likePattern(String(literal()));
      return (get) => {
        const value = get(key);
        return value !== null && value !== undefined && pattern.test(String(value)) !== negate;
      };
    }
    if (keyword("IN")) {
      expect("(");
      const values = [literal()];
      while (peek()?.text === ",") {
        at++;
        values.push(literal());
      }
      expect(")");
      return (get) => {
        const value = get(key);
        return value !== null && value !== undefined && values.some((v) => compare(value, v) === 0) !== negate;
      };
    }
    if (negate) throw new FilterError("Incorrect syntax near 'NOT'.");
    const op = tokens[at++];
    if (op?.kind !== "op") throw new FilterError(`Incorrect syntax near '${op?.text ?? column.text}'.`);
    const right = literal();
    return (get) => {
      const order = compare(get(key), right);
      if (order === null) return false;
      return op.text === "="
        ? order === 0
        : op.text === "<>" || op.text === "!="
          ? order !== 0
          : op.text === "<"
            ? order < 0
            : op.text === ">"
              ? order > 0
              : op.text === "<="
                ? order <= 0
                : order >= 0;
    };
  };

  const predicate = or();
  if (at < tokens.length) throw new FilterError(`Incorrect syntax near '${tokens[at]?.text}'.`);
  return predicate;
}

const fold = (s: string) => s.toLocaleUpperCase("tr");

/** SQL order of two values, or null when either is NULL (NULL compares false). */
function compare(left: unknown, right: unknown): number | null {
  if (left === null || left === undefined || right === null) return null;
  if (typeof left === "number" && typeof right === "number") return Math.sign(left - right);
  if (typeof left === "number") {
    const n = Number(right);
    return Number.isNaN(n) ? null : Math.sign(left - n);
  }
  const a = fold(String(left));
  const b = fold(typeof right === "string" ? isoDate(right) : String(right));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A date literal as the ISO datetime Json.NET writes, so that it compares with the records. */
function isoDate(text: string): string {
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
  if (dotted) return `${dotted[3]}-${dotted[2]}-${dotted[1]}T${clock(dotted[4])}`;
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}T${clock(iso[4])}`;
  return text;
}

const clock = (time: string | undefined) => (time ? (time.length === 5 ? `${time}:00` : time) : "00:00:00");

function likePattern(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "isu");
}
