import { UpstreamError } from "../../net/upstream-error.ts";
import type { SourcePage } from "../definition.ts";
import type { NetsisClient, Query } from "./client.ts";

/** The integration's settings as the definition's schema has validated them. */
export interface NetsisSettings {
  warehouseCode?: number | undefined;
  currency?: string | undefined;
}

type Malformed = SourcePage["malformed"][number];
type Check = (row: unknown) => Omit<Malformed, "row"> | null;

interface Stream {
  path: string;
  /** Sorting by the stock code keeps offsets stable from one page to the next. */
  sort: string;
  query(settings: NetsisSettings): Query;
  check: Check;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCode = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const isNumeric = (v: unknown) =>
  (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^\s*-?\d+([.,]\d+)?\s*$/.test(v));

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

const checkCoded: Check = (row) => (isObject(row) && isCode(row.StokKodu) ? null : { reason: "StokKodu is missing" });

/** The Netsis streams: stock cards, stock balances and sales prices, each paged by offset. */
export const STREAMS: Record<string, Stream> = {
  items: { path: "/Items", sort: "Stok_Kodu", query: () => ({}), check: checkItem },
  stock: {
    path: "/ItemStocks",
    sort: "StokKodu",
    query: (settings) => ({ depoKodu: settings.warehouseCode }),
    check: checkCoded,
  },
  prices: { path: "/ItemPrices", sort: "StokKodu", query: () => ({}), check: checkCoded },
};

/**
 * One page of a stream from `offset` (the cursor, as decimal text). Rows that cannot be read
 * as the stream's records go to `malformed` with a reason; the rest of the page goes on. The
 * stream ends when a page is empty or reaches `TotalCount` (or, without it, comes back short).
 */
export async function readPage(
  client: NetsisClient,
  settings: NetsisSettings,
  name: string,
  cursor: string | null,
  pageSize: number,
): Promise<SourcePage> {
  const stream = Object.hasOwn(STREAMS, name) ? STREAMS[name] : undefined;
  if (!stream) throw new UpstreamError("connector", `Netsis has no stream '${name}'`, { retryable: false });
  const offset = offsetOf(cursor);
  const result = await client.get(stream.path, {
    limit: pageSize,
    offset,
    sort: stream.sort,
    ...stream.query(settings),
  });
  const data = result.Data ?? [];
  if (!Array.isArray(data)) {
    throw new UpstreamError("connector", `Netsis ${stream.path} answered Data that is not a list`, {
      retryable: false,
    });
  }
  const rows: Record<string, unknown>[] = [];
  const malformed: Malformed[] = [];
  data.forEach((row: unknown, index) => {
    const problem = stream.check(row);
    if (problem) malformed.push({ row: offset + index + 1, ...problem });
    else rows.push(row as Record<string, unknown>);
  });
  const next = offset + data.length;
  const total = typeof result.TotalCount === "number" ? result.TotalCount : undefined;
  const done = data.length === 0 || (total !== undefined ? next >= total : data.length < pageSize);
  return { rows, malformed, nextCursor: done ? null : String(next), firstRow: offset + 1 };
}

function offsetOf(cursor: string | null): number {
  if (cursor === null) return 0;
  if (/^\d{1,15}$/.test(cursor)) return Number(cursor);
  throw new UpstreamError("connector", "The Netsis cursor of this job is unreadable; start a new sync", {
    retryable: false,
  });
}
