import type { SourcePage } from "../definition.ts";
import { type LogoClient, MAX_PAGE } from "./client.ts";
import { permanent } from "./errors.ts";

/**
 * Items in change order, paged by key (keyset), not by offset: each page asks for the rows
 * after the last one read, `(change time, INTERNAL_REFERENCE) > (t, ref)`, sorted by
 * DATE_MODIFIED, HOUR_MODIFIED, MIN_MODIFIED, SEC_MODIFIED, INTERNAL_REFERENCE. An item changed
 * during the run moves to the end and is read there; nothing shifts under an offset, so nothing
 * is skipped, and the reference breaks ties between items changed in the same second.
 *
 * The watermark is the position of the last row read. An incremental run starts
 * `overlapSeconds` before it (from reference 0), so that items changed in the watermark's second
 * after it was read — or committed late with an earlier time — are read again rather than lost.
 */
export interface Position {
  /** ERP-local change time, `YYYY-MM-DDTHH:MM:SS`. */
  t: string;
  /** INTERNAL_REFERENCE. */
  r: number;
}

const CHANGE_ORDER = ["DATE_MODIFIED", "HOUR_MODIFIED", "MIN_MODIFIED", "SEC_MODIFIED", "INTERNAL_REFERENCE"];
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

export async function fetchItemsPage(
  client: LogoClient,
  cursor: string | null,
  pageSize: number,
  since: string | null,
  overlapSeconds: number,
): Promise<SourcePage> {
  let after: Position | null = null;
  let carried: Position | null = null;
  let rowsRead = 0;
  if (cursor !== null) {
    const decoded = decodeCursor(cursor);
    after = carried = decoded;
    rowsRead = decoded.n;
  } else if (since !== null) {
    // An unreadable watermark (another connector version's, say) means a full read: safe, as
    // the delta pushes only what changed.
    carried = parsePosition(since);
    if (carried) after = { t: shiftTime(carried.t, -overlapSeconds), r: 0 };
  }
  const page = await client.list("/items", {
    q: after ? afterQuery(after) : undefined,
    sort: CHANGE_ORDER.join(","),
    offset: 0,
    limit: Math.min(pageSize, MAX_PAGE),
  });

  const rows: Record<string, unknown>[] = [];
  const malformed: SourcePage["malformed"] = [];
  let last: Position | null = null;
  for (const [index, item] of page.items.entries()) {
    last = positionOf(item) ?? last;
    const problem = problemOf(item);
    if (problem) {
      const key = typeof item.CODE === "string" && item.CODE.trim() ? item.CODE.trim() : undefined;
      malformed.push({ row: rowsRead + index + 1, reason: problem, ...(key ? { key } : {}) });
    } else rows.push(item);
  }
  const more = page.next !== null && page.items.length > 0;
  if (more && !last) throw permanent("Logo items have no readable change time (DATE_MODIFIED…); cannot page on");
  const end = last ?? carried;
  return {
    rows,
    malformed,
    nextCursor: more && last ? encodeCursor({ ...last, n: rowsRead + page.items.length }) : null,
    firstRow: rowsRead + 1,
    watermark: end ? formatPosition(end) : null,
  };
}

/** `q` for the rows after `p` in change order: a lexicographic "greater than" over the sort fields. */
export function afterQuery(p: Position): string {
  const part = (from: number) => String(Number(p.t.slice(from, from + 2)));
  const parts: [string, string][] = [
    ["DATE_MODIFIED", `'${p.t.slice(0, 10)}'`],
    ["HOUR_MODIFIED", part(11)],
    ["MIN_MODIFIED", part(14)],
    ["SEC_MODIFIED", part(17)],
    ["INTERNAL_REFERENCE", String(p.r)],
  ];
  const after = (k: number): string => {
    const [field, value] = parts[k] as [string, string];
    if (k === parts.length - 1) return `${field} gt ${value}`;
    return `(${field} gt ${value} or (${field} eq ${value} and ${after(k + 1)}))`;
  };
  return after(0);
}

/** Why an item cannot be synced at all, or null. */
function problemOf(item: Record<string, unknown>): string | null {
  if (typeof item.CODE !== "string" || item.CODE.trim() === "") return "CODE is missing";
  const vat = item.VAT;
  const numeric =
    typeof vat === "number" ? Number.isFinite(vat) : typeof vat === "string" && /^\s*\d+([.,]\d+)?\s*$/.test(vat);
  if (vat !== undefined && vat !== null && !numeric) return `VAT ${JSON.stringify(vat)} is not a number`;
  return null;
}

/** The item's change time and reference, or null when Logo did not send them readably. */
function positionOf(item: Record<string, unknown>): Position | null {
  const date = typeof item.DATE_MODIFIED === "string" ? item.DATE_MODIFIED.slice(0, 10) : "";
  const [h, m, s] = [item.HOUR_MODIFIED, item.MIN_MODIFIED, item.SEC_MODIFIED].map(Number);
  const ref = Number(item.INTERNAL_REFERENCE);
  const two = (n: number | undefined, max: number) =>
    Number.isInteger(n) && (n as number) >= 0 && (n as number) <= max ? String(n).padStart(2, "0") : null;
  const [hh, mm, ss] = [two(h, 23), two(m, 59), two(s, 59)];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !hh || !mm || !ss || !Number.isSafeInteger(ref) || ref < 0) return null;
  return { t: `${date}T${hh}:${mm}:${ss}`, r: ref };
}

/** `2024-05-01T12:00:00#1234`: readable in a run's record, opaque to the gateway. */
export const formatPosition = (p: Position): string => `${p.t}#${p.r}`;

export function parsePosition(text: string): Position | null {
  const [t = "", r = ""] = text.split("#");
  return TIME.test(t) && /^\d+$/.test(r) ? { t, r: Number(r) } : null;
}

function encodeCursor(c: Position & { n: number }): string {
  return `${formatPosition(c)}#${c.n}`;
}

function decodeCursor(cursor: string): Position & { n: number } {
  const at = cursor.lastIndexOf("#");
  const position = at > 0 ? parsePosition(cursor.slice(0, at)) : null;
  const n = Number(cursor.slice(at + 1));
  if (!position || !Number.isSafeInteger(n) || n < 0) {
    throw permanent("The Logo items cursor of this job is unreadable; start a new sync");
  }
  return { ...position, n };
}

/** A zone-less `YYYY-MM-DDTHH:MM:SS` moved by `seconds` (Turkey keeps no daylight saving time). */
function shiftTime(t: string, seconds: number): string {
  return new Date(Date.parse(`${t}Z`) + seconds * 1000).toISOString().slice(0, 19);
}
