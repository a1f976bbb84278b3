/**
 * A value a transformation cannot convert, or a transformation written wrong. The message is
 * meant for the merchant who owns the data, e.g. `cannot read 'abc' as a decimal number`; the
 * engine turns it into a rejected row, the validator into a field issue.
 */
export class TransformationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransformationError";
  }
}

const MAX_QUOTED = 40;

/**
 * A source value as it may appear in a message: quoted and cut to 40 characters, because rows
 * can hold whole descriptions and messages end up in logs and API responses.
 *
 * @example quote("abc") // "'abc'"
 */
export function quote(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = String(value);
  return text.length > MAX_QUOTED ? `'${text.slice(0, MAX_QUOTED)}…'` : `'${text}'`;
}
