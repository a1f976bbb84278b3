import type { SourcePage } from "../definition.ts";
import {
  afterQuery,
  isTime,
  later,
  NEVER,
  neverModified,
  orderBy,
  type Position,
  positionOf,
  type Stamp,
  shiftTime,
} from "./change-time.ts";
import { type LogoClient, MAX_PAGE } from "./client.ts";
import { permanent } from "./errors.ts";

/**
 * Items in change order, paged by key (keyset), never by offset: each page asks for the rows
 * after the last one read, so an item changed during the run moves to the end and is read
 * there, and nothing shifts under an offset. Two orders serve two kinds of item:
 *
 * - **by modification** (`DATE_MODIFIED`, HOUR, MIN, SEC, INTERNAL_REFERENCE): every item.
 *   Never-modified ones carry the zero date and come first, in reference order — so a full read
 *   in this order sees new items too (they get the highest references).
 * - **by creation**, among never-modified items only: the items an incremental read on the
 *   modification time alone would never see, since their DATE_MODIFIED stays 1899-12-30.
 *
 * A full read (no watermark, or forced) is one pass by modification. An incremental read
 * takes the never-modified items created after the watermark's creation time, then everything
 * modified after its modification position, each minus `overlapSeconds` (items committed late
 * with an earlier time, or changed in the watermark's second, are read again rather than lost;
 * the delta drops what did not change). The watermark keeps both: `c=<latest creation time of
 * a never-modified item read>;m=<last modification position>`.
 */
interface Cursor {
  /** Phase: "c" by creation (incremental runs), "m" by modification. */
  p: "c" | "m";
  /** Where this phase goes on from; null at the start of a full read. */
  at: Position | null;
  /** Where phase "m" starts once phase "c" is done. */
  from: Position | null;
  /** Rows read so far, for row numbers. */
  n: number;
  c: string | null;
  m: Position | null;
  /**
   * The read is past the never-modified items (they sort first by modification). In a full
   * read the first modified item read is the last one whose time may stand in for `c`: it was
   * changed before the moment the never-modified block was passed, and any item created after
   * that moment — which this read no longer sees — was created later still.
   */
  past: boolean;
}

/** Which items are catalogue items: `cardTypes` when set, else every card but material classes (20–22). */
export type CardFilter = (item: Record<string, unknown>) => boolean;

export async function fetchItemsPage(
  client: LogoClient,
  cursor: string | null,
  pageSize: number,
  since: string | null,
  overlapSeconds: number,
  isCatalogueItem: CardFilter,
): Promise<SourcePage> {
  const state = cursor !== null ? decodeCursor(cursor) : start(since, overlapSeconds);
  const stamp: Stamp = state.p === "c" ? "CREATED" : "MODIFIED";
  const after = state.at ? afterQuery(state.at, stamp) : undefined;
  const q = state.p === "c" ? `DATE_MODIFIED lt '${NEVER}' and ${after}` : after;
  const page = await client.list("/items", { q, sort: orderBy(stamp), offset: 0, limit: Math.min(pageSize, MAX_PAGE) });

  const rows: Record<string, unknown>[] = [];
  const malformed: SourcePage["malformed"] = [];
  let last: Position | null = null;
  let { c, m, past } = state;
  for (const [index, raw] of page.items.entries()) {
    const item = withActive(raw);
    const position = positionOf(item, stamp);
    if (position) last = position;
    if (state.p === "c" && position) c = later(c, position.t);
    if (state.p === "m" && position) {
      m = position;
      if (neverModified(item)) c = later(c, positionOf(item, "CREATED")?.t ?? null);
      else if (!past) {
        c = later(c, position.t);
        past = true;
      }
    }
    if (!isCatalogueItem(item)) continue;
    const problem = problemOf(item);
    if (!problem) rows.push(item);
    else {
      const key = typeof item.CODE === "string" && item.CODE.trim() ? item.CODE.trim() : undefined;
      malformed.push({ row: state.n + index + 1, reason: problem, ...(key ? { key } : {}) });
    }
  }
  const more = page.items.length > 0 && page.more !== false;
  if (more && !last) throw permanent(`Logo items have no readable DATE_${stamp}…; cannot page on`);
  const n = state.n + page.items.length;
  const next: Cursor | null = more
    ? { ...state, at: last, n, c, m, past }
    : state.p === "c"
      ? { p: "m", at: state.from, from: null, n, c, m, past: true }
      : null;
  return {
    rows,
    malformed,
    nextCursor: next ? JSON.stringify(next) : null,
    firstRow: state.n + 1,
    watermark: formatWatermark(c, m),
  };
}

function start(since: string | null, overlapSeconds: number): Cursor {
  const mark = since === null ? null : parseWatermark(since);
  // No watermark, or one this version cannot read: a full read (safe; the delta pushes only changes).
  if (!mark) return { p: "m", at: null, from: null, n: 0, c: null, m: null, past: false };
  const back = (t: string) => ({ t: shiftTime(t, -overlapSeconds), r: 0 });
  const c = (mark.c ?? mark.m?.t) as string;
  // A last position among the never-modified items (nothing was ever modified) would read them
  // all again: what was modified since starts after the zero dates.
  const m = mark.m && mark.m.t >= NEVER ? back(mark.m.t) : { t: NEVER, r: 0 };
  return { p: "c", at: back(c), from: m, n: 0, c, m: mark.m, past: true };
}

/** `c=2024-05-01T10:00:00;m=2024-05-02T11:00:00#1234`: readable in a run's record, opaque to the gateway. */
export function formatWatermark(c: string | null, m: Position | null): string | null {
  if (c === null && m === null) return null;
  return [c ? `c=${c}` : null, m ? `m=${m.t}#${m.r}` : null].filter(Boolean).join(";");
}

/**
 * Reads a watermark; the bare `t#r` of earlier versions (modification position only) is read
 * as `m`, with its time standing in for the creation time they did not keep.
 */
export function parseWatermark(text: string): { c: string | null; m: Position | null } | null {
  const position = (s: string): Position | null => {
    const [t = "", r = ""] = s.split("#");
    return isTime(t) && /^\d+$/.test(r) ? { t, r: Number(r) } : null;
  };
  if (!text.includes("=")) {
    const m = position(text);
    return m ? { c: null, m } : null;
  }
  let c: string | null = null;
  let m: Position | null = null;
  for (const part of text.split(";")) {
    const [name, value = ""] = part.split("=");
    if (name === "c" && isTime(value)) c = value;
    else if (name === "m") m = position(value);
    else return null;
  }
  return c || m ? { c, m } : null;
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(cursor) as Cursor;
    if ((value.p === "c" || value.p === "m") && Number.isSafeInteger(value.n)) return value;
  } catch {
    // fall through
  }
  throw permanent("The Logo items cursor of this job is unreadable; start a new sync");
}

/**
 * ACTIVE says whether a card is in use (0) or passive (1); where a service leaves it out,
 * RECORD_STATUS stands in, as L6 reads them.
 */
function withActive(item: Record<string, unknown>): Record<string, unknown> {
  if (item.ACTIVE !== undefined && item.ACTIVE !== null) return item;
  return typeof item.RECORD_STATUS === "number" ? { ...item, ACTIVE: item.RECORD_STATUS } : item;
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
