/**
 * Logo's change times. A record carries `DATE_<X>` as an ISO datetime at midnight
 * ("2021-05-15T00:00:00") with the time of day in `HOUR_<X>`, `MIN_<X>`, `SEC_<X>`, for X =
 * CREATED and MODIFIED (L2, L5), in the ERP's local time — Türkiye, UTC+3 all year (chosen: the
 * API says nothing of zones). A record never modified has `DATE_MODIFIED: "1899-12-30T00:00:00"`
 * and zeros (L1's salesOrders/735, L5): only its CREATED fields carry its time.
 */
export type Stamp = "CREATED" | "MODIFIED";

/** A place in change order: the time (`YYYY-MM-DDTHH:MM:SS`, ERP-local) and INTERNAL_REFERENCE. */
export interface Position {
  t: string;
  r: number;
}

/** Modification dates before this mean "never modified" (1899-12-30 is OLE's zero date, 1900-01-01 SQL Server's). */
export const NEVER = "1900-01-02T00:00:00";

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The sort of `GET /items` in the order of a stamp, ties by reference. */
export const orderBy = (stamp: Stamp) =>
  [`DATE_${stamp}`, `HOUR_${stamp}`, `MIN_${stamp}`, `SEC_${stamp}`, "INTERNAL_REFERENCE"].join(",");

/** The record's time for `stamp` and its reference, or null when Logo did not send them readably. */
export function positionOf(item: Record<string, unknown>, stamp: Stamp): Position | null {
  const raw = item[`DATE_${stamp}`];
  const date = typeof raw === "string" ? raw.slice(0, 10) : "";
  const [hh, mm, ss] = [two(item[`HOUR_${stamp}`], 23), two(item[`MIN_${stamp}`], 59), two(item[`SEC_${stamp}`], 59)];
  const ref = Number(item.INTERNAL_REFERENCE);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !hh || !mm || !ss || !Number.isSafeInteger(ref) || ref < 0) return null;
  return { t: `${date}T${hh}:${mm}:${ss}`, r: ref };
}

/** True for a record Logo never modified (its modification date is the zero date). */
export function neverModified(item: Record<string, unknown>): boolean {
  const raw = item.DATE_MODIFIED;
  return typeof raw === "string" && raw.slice(0, 19) < NEVER;
}

/**
 * `q` for the records after `p` in the order of `stamp`: a lexicographic "greater than" over
 * the date, hour, minute, second and reference. Dates are written as ISO datetimes in quotes:
 * `'dd.mm.yyyy'` (the format L2 documents) is read month first by a service on US settings —
 * L1's own sample sends DATE "02.05.2016" and reads back 2016-02-05 — whereas SQL Server and
 * .NET read `yyyy-mm-ddThh:mm:ss` the same under every language.
 */
export function afterQuery(p: Position, stamp: Stamp): string {
  const part = (from: number) => String(Number(p.t.slice(from, from + 2)));
  const parts: [string, string][] = [
    [`DATE_${stamp}`, `'${p.t.slice(0, 10)}T00:00:00'`],
    [`HOUR_${stamp}`, part(11)],
    [`MIN_${stamp}`, part(14)],
    [`SEC_${stamp}`, part(17)],
    ["INTERNAL_REFERENCE", String(p.r)],
  ];
  const after = (k: number): string => {
    const [field, value] = parts[k] as [string, string];
    if (k === parts.length - 1) return `${field} gt ${value}`;
    return `(${field} gt ${value} or (${field} eq ${value} and ${after(k + 1)}))`;
  };
  return after(0);
}

/** A zone-less `YYYY-MM-DDTHH:MM:SS` moved by `seconds` (Türkiye keeps no daylight saving time). */
export function shiftTime(t: string, seconds: number): string {
  return new Date(Date.parse(`${t}Z`) + seconds * 1000).toISOString().slice(0, 19);
}

export const isTime = (t: unknown): t is string => typeof t === "string" && TIME.test(t);

/** The later of two times (either may be missing). */
export const later = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null || a >= b ? a : b;

/** ERP-local now, `YYYY-MM-DDTHH:MM:SS` (Türkiye, UTC+3). */
export const erpNow = (now = Date.now()): string => new Date(now + 3 * 3_600_000).toISOString().slice(0, 19);

function two(value: unknown, max: number): string | null {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= max ? String(n).padStart(2, "0") : null;
}
