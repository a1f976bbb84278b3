/**
 * Characters a name a person reads must not carry: controls (C0 such as NUL and ESC, DEL, C1),
 * format characters (bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069,
 * marks, zero-width space and joiners, word joiner, BOM, soft hyphen), line and paragraph
 * separators, and lone surrogates. They reorder or hide text in a dashboard, start terminal
 * escapes in a log viewer, end a C string early, or make two names look alike.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * Why `text` is not plain text, naming the first offending character, or undefined when it is.
 *
 * @example hiddenCharacterProblem("Main\u202Egol") // "must not contain control, bidirectional or invisible characters (found U+202E at character 5)"
 */
export function hiddenCharacterProblem(text: string): string | undefined {
  const match = HIDDEN.exec(text);
  if (!match) return undefined;
  const codePoint = match[0].codePointAt(0) ?? 0;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, "0");
  const position = [...text.slice(0, match.index)].length + 1;
  return `must not contain control, bidirectional or invisible characters (found U+${hex} at character ${position})`;
}
