import { SqlError } from "./errors.ts";

/**
 * T-SQL tokens. Words keep the case they were written in (`upper` for keyword checks);
 * `[bracketed]` and `"double-quoted"` identifiers are `quoted`; `--` and `/* *\/` comments vanish.
 */
export type Token =
  | { kind: "word"; text: string; upper: string; at: number }
  | { kind: "quoted"; text: string; at: number }
  | { kind: "number"; text: string; value: number; integer: boolean; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "symbol"; text: string; at: number }
  | { kind: "end"; text: ""; at: number };

const SYMBOLS = ["<>", "!=", "<=", ">=", "!<", "!>", "=", "<", ">", "(", ")", ",", ".", "*", "+", "-", "/", "%", ";"];

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < sql.length) {
    const rest = sql.slice(at);
    const space = /^(\s+|--[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const word = /^[A-Za-z_@#\u00C0-\uFFFF][\w@#$\u00C0-\uFFFF]*/.exec(rest);
    const number = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(rest);
    if (rest[0] === "'" || /^N'/i.test(rest)) {
      const start = rest[0] === "'" ? 1 : 2;
      const { text, length } = quoted(rest, start, "'");
      tokens.push({ kind: "string", text, at });
      at += length;
    } else if (rest[0] === "[" || rest[0] === '"') {
      const { text, length } = quoted(rest, 1, rest[0] === "[" ? "]" : '"');
      tokens.push({ kind: "quoted", text, at });
      at += length;
    } else if (word) {
      tokens.push({ kind: "word", text: word[0], upper: word[0].toUpperCase(), at });
      at += word[0].length;
    } else if (number) {
      const text = number[0];
      tokens.push({ kind: "number", text, value: Number(text), integer: /^\d+$/.test(text), at });
      at += text.length;
    } else {
      const symbol = SYMBOLS.find((s) => rest.startsWith(s));
      if (!symbol) throw new SqlError(102, `Incorrect syntax near '${rest[0]}'.`);
      tokens.push({ kind: "symbol", text: symbol, at });
      at += symbol.length;
    }
  }
  tokens.push({ kind: "end", text: "", at: sql.length });
  return tokens;
}

/** A quoted run from `start` up to the closing `close`, a doubled `close` standing for one. */
function quoted(rest: string, start: number, close: string): { text: string; length: number } {
  let text = "";
  let k = start;
  for (;;) {
    const end = rest.indexOf(close, k);
    if (end < 0) throw new SqlError(105, `Unclosed quotation mark after the character string '${rest.slice(start)}'.`);
    text += rest.slice(k, end);
    if (rest[end + 1] !== close) return { text, length: end + 1 };
    text += close;
    k = end + 2;
  }
}
