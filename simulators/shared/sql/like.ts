/**
 * LIKE as SQL Server matches it, case-insensitively: `%` any run, `_` one character,
 * `[abc]`, `[a-f]` and `[^abc]` one character of (or not of) a set. Compiled to a RegExp
 * (no code generation), cached per pattern.
 */
const cache = new Map<string, (value: string) => boolean>();

export function likeMatcher(pattern: string): (value: string) => boolean {
  let matcher = cache.get(pattern);
  if (!matcher) {
    const regex = new RegExp(`^${likeSource(pattern)}$`, "i");
    matcher = (value) => regex.test(value);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

function likeSource(pattern: string): string {
  let source = "";
  for (let k = 0; k < pattern.length; k++) {
    const ch = pattern[k] as string;
    const close = ch === "[" ? pattern.indexOf("]", k + 2) : -1;
    if (ch === "%") source += "[\\s\\S]*";
    else if (ch === "_") source += "[\\s\\S]";
    else if (close > 0) {
      const body = pattern.slice(k + 1, close);
      const negated = body.startsWith("^");
      source += `[${negated ? "^" : ""}${(negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&")}]`;
      k = close;
    } else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return source;
}
