import type { Model } from "./models.ts";

/** A body member Json.NET could not convert: the server cannot bind the request. */
export class BindError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `input` bound to `model` as Json.NET binds it (models.ts): canonical names, unknown members
 * dropped, values converted by kind. `path` names the object in error messages.
 *
 * @throws BindError for a value of the wrong kind
 */
export function bind(model: Model, input: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const member = model.get(key.toLowerCase());
    if (!member || member.name in out) continue;
    const converted = convert(member.kind, value);
    if (converted === INVALID) {
      throw new BindError(`İstek gövdesi okunamadı: ${path}.${member.name} = ${JSON.stringify(value)} geçersiz`);
    }
    out[member.name] = converted;
  }
  return out;
}

const INVALID = Symbol("invalid");

function convert(kind: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "s":
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : INVALID;
    case "i": {
      const n = typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      return typeof n === "number" && Number.isInteger(n) ? n : INVALID;
    }
    case "d": {
      const n = typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
      return typeof n === "number" && Number.isFinite(n) ? n : INVALID;
    }
    case "b":
      if (typeof value === "boolean") return value;
      if (typeof value === "number") return value !== 0;
      if (typeof value === "string" && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === "true";
      return INVALID;
    case "t":
      if (typeof value !== "string") return INVALID;
      if (value.trim() === "") return null;
      return netDate(value) ?? INVALID;
    case "e":
      return typeof value === "number" || typeof value === "string" ? value : INVALID;
    default:
      return isObject(value) || Array.isArray(value) ? value : INVALID;
  }
}

// The server's clock and culture are Turkey's (UTC+3 all year since 2016): silent, chosen.
const TURKEY_OFFSET_MS = 3 * 3_600_000;

/** Now on a Turkish server, as Json.NET writes a DateTime. */
export const turkeyNow = (): string => new Date(Date.now() + TURKEY_OFFSET_MS).toISOString().slice(0, 19);

/**
 * A date as the server parses it: ISO (`2024-01-21`, `2024-01-21T10:30:00`, with `Z` or an
 * offset converted to Turkish time), `yyyy-MM-dd HH:mm:ss` (N3) or the Turkish culture's
 * `dd.MM.yyyy HH:mm:ss` (what N2's `DateTime.Now.ToString()` gives there). Returns
 * `yyyy-MM-ddTHH:mm:ss`, or null when it is not a date.
 */
export function netDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  );
  const tr = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  const parts = iso
    ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]]
    : tr
      ? [tr[3], tr[2], tr[1], tr[4], tr[5], tr[6]]
      : null;
  if (!parts) return null;
  const [y, mo, d, h, mi, s] = parts.map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return null;
  }
  const zone = iso?.[7];
  if (zone) {
    const offset = zone.toUpperCase() === "Z" ? 0 : offsetMs(zone);
    ms = ms - offset + TURKEY_OFFSET_MS;
  }
  return new Date(ms).toISOString().slice(0, 19);
}

function offsetMs(zone: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}
