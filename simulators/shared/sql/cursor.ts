import { syntaxError } from "./errors.ts";
import type { Token } from "./lexer.ts";

/** T-SQL reserved words the subset meets: never an alias, and named "the keyword" in syntax errors. */
const RESERVED = new Set(
  (
    "ALL AND AS ASC BETWEEN BY CASE CROSS DESC DISTINCT ELSE END EXCEPT EXISTS FETCH FROM FULL GROUP HAVING IN " +
    "INNER INTERSECT IS JOIN LEFT LIKE NOT NULL ON OR ORDER OUTER RIGHT SELECT THEN TOP UNION WHEN WHERE WITH"
  ).split(" "),
);

export const isReserved = (token: Token): boolean => token.kind === "word" && RESERVED.has(token.upper);

/** Walks the tokens of one statement; `fail()` throws the syntax error SQL Server would. */
export class Cursor {
  private at = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.at++;
    return token;
  }

  isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === "word" && token.upper === word;
  }

  isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === "symbol" && token.text === symbol;
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.at++;
    return true;
  }

  acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.at++;
    return true;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail();
  }

  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.fail();
  }

  /** An identifier: a word that is not reserved, or a quoted one. */
  acceptName(): string | undefined {
    const token = this.peek();
    if (token.kind === "quoted" || (token.kind === "word" && !RESERVED.has(token.upper))) {
      this.at++;
      return token.text;
    }
    return undefined;
  }

  expectName(): string {
    return this.acceptName() ?? this.fail();
  }

  /** A whole number literal, optionally in parentheses (`TOP (5)`). */
  expectCount(): number {
    const parenthesised = this.acceptSymbol("(");
    const token = this.peek();
    if (token.kind !== "number" || !token.integer) this.fail();
    this.at++;
    if (parenthesised) this.expectSymbol(")");
    return token.value;
  }

  /** Syntax error near the current token; at the end of the text, near the last one (as SQL Server says). */
  fail(): never {
    let token = this.peek();
    if (token.kind === "end" && this.at > 0) token = this.tokens[this.at - 1] as Token;
    throw syntaxError(token.text, isReserved(token));
  }
}
