import { UpstreamError } from "../../net/upstream-error.ts";
import type { SourcePage } from "../definition.ts";
import { type LogoClient, MAX_PAGE } from "./client.ts";
import { describeError, LogoError, permanent } from "./errors.ts";
import type { CardFilter } from "./items.ts";

/** Where stock lives: the firm and period of the `LV_{firm}_{period}_…` views, and INVENNO. */
export interface LogoPlace {
  firmNo: number;
  periodNo: number;
  /** INVENNO: one warehouse, or -1 for the all-warehouse totals Logo keeps. */
  warehouseNo: number;
}

/**
 * On hand per item through SQL, the way public clients read it: Logo Objects REST has no stock
 * resource, so L4, L5 and L6 all run T-SQL through `queries` on the `STINVTOT` totals view,
 * taking INVENNO -1 (all warehouses) or one warehouse, summed over its dates (L6's
 * `SELECT STOCKREF, SUM(ONHAND) … GROUP BY STOCKREF`). Three ways, tried in this order on the
 * first page and then kept for the run (the cursor says which):
 *
 * 1. `join`: `GET /queries?tsql=` with a JOIN to `LG_{firm}_ITEMS` for the item's CODE and card type;
 * 2. `unsafe`: the same statement through `POST /queries/unsafe`, which L1 documents for
 *    statements `queries` cannot answer (JOINs, UNIONs);
 * 3. `plain`: `GET /queries` without the JOIN (L6's fallback), the codes then read from
 *    `GET /items` for the page's reference range.
 *
 * SQL calls are off in a new installation of the REST service (L1): a refusal of all three says
 * so in Logo's words. Paging is keyset in the statement itself (`TOP n … WHERE STOCKREF > last
 * ORDER BY STOCKREF`), since whether `queries` honours offset and limit is not documented; the
 * stream ends on an empty page, because a service that applies its own row limit answers fewer
 * rows than asked without saying whether more follow.
 */
type Mode = "join" | "unsafe" | "plain";
const MODES: readonly Mode[] = ["join", "unsafe", "plain"];

interface Cursor {
  mode: Mode;
  after: number;
  n: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function stockStatement(place: LogoPlace, mode: Mode, after: number, top: number): string {
  const firm = pad(place.firmNo, 3);
  const view = `LV_${firm}_${pad(place.periodNo, 2)}_STINVTOT`;
  const invenNo = Math.trunc(place.warehouseNo);
  if (mode === "plain") {
    return `SELECT TOP ${top} STOCKREF, SUM(ONHAND) AS ONHAND FROM ${view} WHERE INVENNO = ${invenNo} AND STOCKREF > ${after} GROUP BY STOCKREF ORDER BY STOCKREF`;
  }
  return [
    `SELECT TOP ${top} S.STOCKREF, I.CODE, I.CARDTYPE, SUM(S.ONHAND) AS ONHAND`,
    `FROM ${view} S INNER JOIN LG_${firm}_ITEMS I ON I.LOGICALREF = S.STOCKREF`,
    `WHERE S.INVENNO = ${invenNo} AND S.STOCKREF > ${after}`,
    "GROUP BY S.STOCKREF, I.CODE, I.CARDTYPE ORDER BY S.STOCKREF",
  ].join(" ");
}

export async function fetchStockPage(
  client: LogoClient,
  place: LogoPlace,
  cursor: string | null,
  pageSize: number,
  isCatalogueItem: CardFilter,
): Promise<SourcePage> {
  const state = cursor === null ? null : decodeCursor(cursor);
  const top = Math.min(pageSize, MAX_PAGE);
  const { mode, rows: raw } = state
    ? {
        mode: state.mode,
        rows: await run(client, stockStatement(place, state.mode, state.after, top), state.mode, top),
      }
    : await firstWorking(client, place, top);
  const rows = mode === "plain" ? await withCodes(client, raw) : raw;
  const refs = raw.map((r) => Number(r.STOCKREF)).filter(Number.isSafeInteger);
  const n = state?.n ?? 0;
  return {
    // A stock row of a card that no longer exists, or of a material class, has nothing to sell.
    rows: rows.filter((r) => typeof r.CODE === "string" && r.CODE.trim() !== "" && isCatalogueItem(cardOf(r))),
    malformed: [],
    nextCursor: refs.length > 0 ? JSON.stringify({ mode, after: Math.max(...refs), n: n + raw.length }) : null,
    firstRow: n + 1,
  };
}

/** Runs `tsql` the way `mode` says. */
async function run(client: LogoClient, tsql: string, mode: Mode, top: number): Promise<Record<string, unknown>[]> {
  if (mode === "unsafe") {
    const answer = await client.post("/queries/unsafe", tsql);
    if (Array.isArray(answer)) return answer as Record<string, unknown>[];
    const items = (answer as { items?: unknown } | null)?.items;
    if (Array.isArray(items)) return items as Record<string, unknown>[];
    throw permanent("Logo POST /queries/unsafe answered without rows");
  }
  return (await client.list("/queries", { tsql, limit: top })).items;
}

/** The first mode Logo answers, trying the next only when Logo itself refused (never on a passing failure). */
async function firstWorking(client: LogoClient, place: LogoPlace, top: number) {
  let refusal: UpstreamError | undefined;
  for (const mode of MODES) {
    try {
      return { mode, rows: await run(client, stockStatement(place, mode, 0, top), mode, top) };
    } catch (error) {
      if (!(error instanceof LogoError) || error.retryable || error.status === 401) throw error;
      refusal ??= error;
    }
  }
  throw sqlRefused(refusal as UpstreamError);
}

/** Which way of reading stock works (the connection test): the message names it. */
export async function probeStock(client: LogoClient, place: LogoPlace): Promise<string> {
  const { mode } = await firstWorking(client, place, 1);
  const how = { join: "GET /queries", unsafe: "POST /queries/unsafe", plain: "GET /queries without a JOIN" }[mode];
  return `stock is read with SQL through ${how}`;
}

/**
 * The error when no way works: Logo's own words and what most often causes it. A 401 is a
 * refused login, whose own message says enough.
 */
export function sqlRefused(error: UpstreamError): UpstreamError {
  if (error.status === 401) return error;
  return new UpstreamError(
    "connector",
    `Logo refused the stock query (${describeError(error)}). Stock is read with SQL through the REST service's queries, which a new installation does not allow: enable SQL select queries in the Logo REST service settings ("SQL servis sorgu parametreleri") and restart the service`,
    { retryable: false, ...(error.status !== undefined ? { status: error.status } : {}) },
  );
}

/** Codes for rows without them (`plain`), from the items in the rows' reference range. */
async function withCodes(client: LogoClient, rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const refs = rows.map((r) => Number(r.STOCKREF)).filter(Number.isSafeInteger);
  if (refs.length === 0) return rows;
  const [low, high] = [Math.min(...refs), Math.max(...refs)];
  const cards = new Map<number, Record<string, unknown>>();
  for (let after = low - 1; ; ) {
    const page = await client.list("/items", {
      q: `INTERNAL_REFERENCE gt ${after} and INTERNAL_REFERENCE le ${high}`,
      fields: "INTERNAL_REFERENCE,CODE,CARD_TYPE",
      sort: "INTERNAL_REFERENCE",
      offset: 0,
      limit: MAX_PAGE,
    });
    for (const item of page.items) cards.set(Number(item.INTERNAL_REFERENCE), item);
    const last = Math.max(after, ...page.items.map((i) => Number(i.INTERNAL_REFERENCE)));
    if (page.items.length === 0 || last >= high || last === after) break;
    after = last;
  }
  return rows.map((r) => {
    const card = cards.get(Number(r.STOCKREF));
    return card ? { ...r, CODE: card.CODE, CARDTYPE: card.CARD_TYPE } : r;
  });
}

/** A stock row's card type in the shape the card filter reads. */
const cardOf = (row: Record<string, unknown>) => ({ CARD_TYPE: row.CARDTYPE });

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(cursor) as Cursor;
    if (MODES.includes(value.mode) && Number.isSafeInteger(value.after) && Number.isSafeInteger(value.n)) return value;
  } catch {
    // fall through
  }
  throw permanent("The Logo stock cursor of this job is unreadable; start a new sync");
}
