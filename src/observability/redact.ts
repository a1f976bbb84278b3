/** Keys whose values are secrets wherever they appear: credentials, tokens, keys, signatures. */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|credential|signature|private|cookie/i;

export const REDACTED = "[redacted]";

/**
 * A deep copy of `value` with the values of secret-looking keys replaced by `[redacted]`.
 * Used on every log line and audit entry as a last line of defence; code should not pass
 * secrets there in the first place.
 */
export function redact<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== "object") return value;
  // Too deep to inspect: fail closed rather than let a nested secret through.
  if (depth > 8) return REDACTED as T;
  if (value instanceof Error) return { name: value.name, message: value.message } as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const harmless = v === null || typeof v === "boolean" || typeof v === "number";
    out[k] = SECRET_KEY.test(k) && !harmless ? REDACTED : redact(v, depth + 1);
  }
  return out as T;
}

// An absolute http(s) URL inside text; it ends at whitespace, a quote, a parenthesis, a brace or a backslash
// (so a URL inside serialized JSON stops before an escape).
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>(){}\\]+/gi;

/**
 * `text` with every http(s) URL in it cut down to its host: `https://files.example.com/<token>/stock.csv?sig=…`
 * becomes `files.example.com`. The path and query of a merchant's URL may be a secret, and
 * upstreams echo the URL they were called at ("No HTTP resource was found that matches the
 * request URI 'https://…'"), so what reaches a run error or a log line keeps the host only.
 */
export function hostsOnly(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => {
    try {
      return new URL(url).host;
    } catch {
      return "[URL]";
    }
  });
}
