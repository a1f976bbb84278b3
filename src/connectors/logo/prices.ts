import type { SourcePage } from "../definition.ts";
import { erpNow, NEVER } from "./change-time.ts";
import { type LogoClient, MAX_PAGE } from "./client.ts";
import { permanent } from "./errors.ts";

/** Which price rows count for the platform (settings). */
export interface PriceRule {
  /** GRPCODE of the price cards to use; all groups when unset. */
  priceListCode?: string | undefined;
  /** The integration's currency: preferred when an item has valid prices in several. */
  currency: string;
}

/**
 * Sales prices from `GET /salesItemPrices` (L2, L5, L6), one row per item: the price card
 * that applies to the shop. The resource has no PTYPE, CODE or LOGICALREF (L2's fields:
 * INTERNAL_REFERENCE, CARD_CODE, CARDREF, OWNER_TYPE, ARP_CODE, PRICE, CURRENCY, PRIORITY,
 * DATE_STARTED, DATE_ENDED, ACTIVE, GRPCODE, …), and an item normally has several cards —
 * for one customer, for a period, with a priority. Public material says nothing of how Logo
 * itself picks one, so the rule is ours, applied to each item's cards:
 *
 * 1. in use (`ACTIVE` 0), for everyone (no `ARP_CODE`, no `TRADING_GRP`), of the price list
 *    `priceListCode` (as GRPCODE) when one is set;
 * 2. valid today in ERP time: `DATE_STARTED` not after today, `DATE_ENDED` not before (the
 *    zero date 1899-12-30 means open);
 * 3. in the integration's currency when the item has one there;
 * 4. the lowest `PRIORITY`, then the latest start, then the newest card (highest reference).
 *
 * An item without such a card gets no price record: the platform keeps what it had rather
 * than a guess. Paged by key on CARDREF (the item's reference) so that all cards of an item are
 * judged together: a page that ends inside an item leaves that item to the next page.
 */
interface Cursor {
  after: number;
  n: number;
}

export async function fetchPricesPage(
  client: LogoClient,
  rule: PriceRule,
  cursor: string | null,
  pageSize: number,
): Promise<SourcePage> {
  const { after, n } = cursor === null ? { after: 0, n: 0 } : decodeCursor(cursor);
  const page = await client.list("/salesItemPrices", {
    q: `CARDREF gt ${after}`,
    sort: "CARDREF,INTERNAL_REFERENCE",
    offset: 0,
    limit: Math.min(pageSize, MAX_PAGE),
  });
  const byItem = Map.groupBy(page.items, (row) => Number(row.CARDREF));
  const more = page.items.length > 0 && page.more !== false;
  const refs = [...byItem.keys()];
  let complete = more && refs.length > 1 ? refs.slice(0, -1) : refs;
  if (more && refs.length === 1) {
    // One item has a whole page of cards: read the rest of them before judging.
    await readRestOfItem(client, refs[0] as number, byItem);
    complete = refs;
  }
  const today = erpNow().slice(0, 10);
  const rows = complete.flatMap((ref) => {
    const chosen = choose(byItem.get(ref) ?? [], rule, today);
    return chosen ? [chosen] : [];
  });
  const last = complete.at(-1);
  return {
    rows,
    malformed: [],
    nextCursor: more && last !== undefined ? JSON.stringify({ after: last, n: n + rows.length }) : null,
    firstRow: n + 1,
  };
}

/** The card that applies to the shop, or null (see the rule above). */
export function choose(cards: Record<string, unknown>[], rule: PriceRule, today: string) {
  const open = (d: unknown) => typeof d !== "string" || d.slice(0, 19) < NEVER;
  const valid = cards.filter(
    (c) =>
      Number(c.ACTIVE ?? 0) === 0 &&
      !text(c.ARP_CODE) &&
      !text(c.TRADING_GRP) &&
      (!rule.priceListCode || text(c.GRPCODE) === rule.priceListCode) &&
      (open(c.DATE_STARTED) || String(c.DATE_STARTED).slice(0, 10) <= today) &&
      (open(c.DATE_ENDED) || String(c.DATE_ENDED).slice(0, 10) >= today),
  );
  const inCurrency = valid.filter((c) => currencyOf(c.CURRENCY) === rule.currency);
  const pool = inCurrency.length > 0 ? inCurrency : valid;
  return (
    pool.sort(
      (a, b) =>
        Number(a.PRIORITY ?? 0) - Number(b.PRIORITY ?? 0) ||
        startOf(b).localeCompare(startOf(a)) ||
        Number(b.INTERNAL_REFERENCE ?? 0) - Number(a.INTERNAL_REFERENCE ?? 0),
    )[0] ?? null
  );
}

/**
 * Logo's currency numbers (L1: 160 is TL in an order's EDT_CURR; 0 is the local currency), as
 * the default mapping's `logoCurrencies` table starts out.
 */
export const LOGO_CURRENCIES: Readonly<Record<string, string>> = { "0": "TRY", "160": "TRY", "1": "USD", "20": "EUR" };
const currencyOf = (value: unknown) => LOGO_CURRENCIES[String(value ?? 0)];
const startOf = (card: Record<string, unknown>) => (typeof card.DATE_STARTED === "string" ? card.DATE_STARTED : "");
const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

async function readRestOfItem(client: LogoClient, ref: number, byItem: Map<number, Record<string, unknown>[]>) {
  const cards = byItem.get(ref) ?? [];
  for (let round = 0; round < 20; round++) {
    const last = Math.max(...cards.map((c) => Number(c.INTERNAL_REFERENCE)));
    const page = await client.list("/salesItemPrices", {
      q: `CARDREF eq ${ref} and INTERNAL_REFERENCE gt ${last}`,
      sort: "INTERNAL_REFERENCE",
      offset: 0,
      limit: MAX_PAGE,
    });
    cards.push(...page.items);
    if (page.items.length === 0 || page.more === false) return;
  }
  throw permanent(`Logo item ${ref} has more than ${20 * MAX_PAGE} price cards; the connector cannot judge them`);
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(cursor) as Cursor;
    if (Number.isSafeInteger(value.after) && Number.isSafeInteger(value.n)) return value;
  } catch {
    // fall through
  }
  throw permanent("The Logo prices cursor of this job is unreadable; start a new sync");
}
