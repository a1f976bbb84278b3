/**
 * Logo's clock and date formats. Logo keeps local time without a zone; Turkey has been on
 * UTC+3 all year since 2016. ERP times here are seconds since the epoch of that local time.
 */
const ERP_OFFSET_SECONDS = 3 * 3600;

/** What Logo writes for "no date": a record never modified, an open price validity (L1, L5). */
export const NEVER = "1899-12-30T00:00:00";

export const erpNow = (): number => Math.floor(Date.now() / 1000) + ERP_OFFSET_SECONDS;

/** ERP seconds as `YYYY-MM-DDTHH:MM:SS`. */
export const formatTime = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 19);

// Filtering 100,000 items by modification date formats a day per item: once per day is enough.
const days = new Map<number, string>();

/** The day of ERP seconds as Logo's dates are written: `YYYY-MM-DDT00:00:00`. */
export function dayOf(seconds: number): string {
  const day = Math.floor(seconds / 86_400);
  let text = days.get(day);
  if (text === undefined) {
    text = `${formatTime(day * 86_400).slice(0, 10)}T00:00:00`;
    days.set(day, text);
  }
  return text;
}

/** A `DATE_x` field and its `HOUR_x`/`MIN_x`/`SEC_x` companions; never → 1899-12-30 and zeros. */
export function stamp(seconds: number | null): [date: string, hour: number, min: number, sec: number] {
  if (seconds === null) return [NEVER, 0, 0, 0];
  const inDay = ((seconds % 86_400) + 86_400) % 86_400;
  return [dayOf(seconds), Math.floor(inDay / 3600), Math.floor((inDay % 3600) / 60), inDay % 60];
}

/** `YYYY-MM-DDTHH:MM:SS` as ERP seconds; undefined when it is no such time. */
export function parseTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}Z`);
  return Number.isNaN(ms) || formatTime(ms / 1000) !== text ? undefined : ms / 1000;
}

/** An HTTP date (RFC 1123), as the token answer's `.issued` and `.expires` are written (L1). */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/**
 * A date literal of a `q` filter as ERP seconds: `dd.mm.yyyy` (L2), `yyyy-mm-dd` or
 * `yyyy-mm-ddThh:mm:ss`; undefined when it is none.
 */
export function literalInstant(text: string): number | undefined {
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  if (dotted) return parseTime(`${dotted[3]}-${dotted[2]}-${dotted[1]}T00:00:00`);
  return parseTime(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text);
}

/**
 * A DATE in a posted record, as Logo stores it (`YYYY-MM-DDT00:00:00`). ISO dates as they are
 * (L5). A dotted date is read month first: L1 posts "02.05.2016" and reads back
 * "2016-02-05T00:00:00" — the service parses JSON dates with the invariant culture.
 */
export function bodyDate(text: string): string | undefined {
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  const iso = dotted ? `${dotted[3]}-${dotted[1]}-${dotted[2]}` : /^(\d{4}-\d{2}-\d{2})(T[\d:.]+)?$/.exec(text)?.[1];
  if (!iso || parseTime(`${iso}T00:00:00`) === undefined) return undefined;
  return `${iso}T00:00:00`;
}
