import { permanentFailure as permanent } from "../../net/upstream-error.ts";
import type { SourcePage } from "../definition.ts";
import type { NetsisClient } from "./client.ts";

type Malformed = SourcePage["malformed"][number];
type Check = (row: unknown) => Omit<Malformed, "row"> | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCode = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const isNumeric = (v: unknown) =>
  (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^\s*-?\d+([.,]\d+)?\s*$/.test(v));

/** The stock code a row of a stream is keyed by. */
type KeyOf = (row: Record<string, unknown>) => unknown;

const itemKey: KeyOf = (row) => (isObject(row.StokTemelBilgi) ? row.StokTemelBilgi.Stok_Kodu : undefined);
const flatKey: KeyOf = (row) => row.Stok_Kodu;

const checkItem: Check = (row) => {
  const basic = isObject(row) ? row.StokTemelBilgi : undefined;
  if (!isObject(basic)) return { reason: "the item has no StokTemelBilgi" };
  if (!isCode(basic.Stok_Kodu)) return { reason: "StokTemelBilgi.Stok_Kodu is missing" };
  const vat = basic.KDV_Orani;
  if (vat !== undefined && vat !== null && vat !== "" && !isNumeric(vat)) {
    return { key: basic.Stok_Kodu.trim(), reason: `StokTemelBilgi.KDV_Orani ${JSON.stringify(vat)} is not a number` };
  }
  return null;
};

const checkPrice: Check = (row) => (isObject(row) && isCode(row.Stok_Kodu) ? null : { reason: "Stok_Kodu is missing" });

interface ListStream {
  path: string;
  /** `fields` projection (N1 SelectFilter), when the stream needs only some. */
  fields?: string;
  key: KeyOf;
  check: Check;
}

/**
 * The stock cards (`Items/`, N1: `{ StokTemelBilgi, StokEkBilgi }`) and their sales prices,
 * which live on the card itself (`Satis_Fiat1..4` with `Sat_Dov_Tip` in StokTemelBilgi; no
 * public client reads prices from anywhere else, and there is no ItemPrices resource) — read
 * lean from `Items/PrimInfo/`, the StokTemelBilgi records alone (N1).
 */
export const LIST_STREAMS: Record<string, ListStream> = {
  items: { path: "/Items/", key: itemKey, check: checkItem },
  prices: {
    path: "/Items/PrimInfo/",
    fields: "Stok_Kodu,Satis_Fiat1,Satis_Fiat2,Satis_Fiat3,Satis_Fiat4,Sat_Dov_Tip,Dov_Satis_Fiat",
    key: flatKey,
    check: checkPrice,
  },
};

/** Where a list stream goes on: the next offset and the key of the last row read. */
interface Cursor {
  offset: number;
  last: string | null;
}

/**
 * One page of a list stream, by offset in stock-code order (`sort=Stok_Kodu ASC`; how NetOpenX
 * filters with `q` is not public, so there is no keyset here). Each page after the first starts
 * one row early: that row must be the one the previous page ended with. If it is not, rows
 * moved under the offset (a card deleted or added during the run), the read may have missed
 * one, and the page says so (`incomplete`) — the run then finds no deletions. The stream ends on
 * `Next: null`, at TotalCount, or on an empty page.
 */
export async function readListPage(
  client: NetsisClient,
  stream: ListStream,
  cursor: string | null,
  pageSize: number,
): Promise<SourcePage> {
  const state: Cursor = cursor === null ? { offset: 0, last: null } : decodeCursor(cursor);
  const overlap = state.last !== null && state.offset > 0 ? 1 : 0;
  const result = await client.get(stream.path, {
    limit: pageSize + overlap,
    offset: state.offset - overlap,
    sort: "Stok_Kodu ASC",
    fields: stream.fields,
  });
  const data = result.Data ?? [];
  if (!Array.isArray(data)) throw permanent(`Netsis ${stream.path} answered Data that is not a list`);
  let incomplete: string | undefined;
  let page: unknown[] = data;
  if (overlap) {
    const first = isObject(data[0]) ? stream.key(data[0]) : undefined;
    if (first === state.last) page = data.slice(1);
    else incomplete = `the stock cards moved during the read (expected ${state.last} before offset ${state.offset})`;
  }
  const rows: Record<string, unknown>[] = [];
  const malformed: Malformed[] = [];
  page.forEach((row: unknown, index) => {
    const problem = stream.check(row);
    if (problem) malformed.push({ row: state.offset + index + 1, ...problem });
    else rows.push(row as Record<string, unknown>);
  });
  const next = state.offset - overlap + data.length;
  const lastRow = page.at(-1);
  const last = isObject(lastRow) ? stream.key(lastRow) : undefined;
  const done =
    page.length === 0 ||
    result.more === false ||
    (result.more === undefined && typeof result.TotalCount === "number" && next >= result.TotalCount);
  return {
    rows,
    malformed,
    nextCursor: done ? null : JSON.stringify({ offset: next, last: typeof last === "string" ? last : null }),
    firstRow: state.offset + 1,
    ...(incomplete ? { incomplete } : {}),
  };
}

function decodeCursor(cursor: string): Cursor {
  // Cursors of earlier versions were the bare offset.
  if (/^\d{1,15}$/.test(cursor)) return { offset: Number(cursor), last: null };
  try {
    const value = JSON.parse(cursor) as Cursor;
    if (Number.isSafeInteger(value.offset) && (value.last === null || typeof value.last === "string")) return value;
  } catch {
    // fall through
  }
  throw permanent("The Netsis cursor of this job is unreadable; start a new sync");
}
