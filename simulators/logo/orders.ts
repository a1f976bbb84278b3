import { enter } from "./gate.ts";
import { apiBase, type Ctx, meta, modelState, type Params } from "./http.ts";
import { orderRecord, Refused } from "./order-body.ts";
import { readList, readOne } from "./reads.ts";
import { ordersTable } from "./resources.ts";
import { changed, type Tenant } from "./state.ts";

type Json = Record<string, unknown>;

/**
 * `POST /salesOrders` (L1): stores the order and answers the record as sent with its new
 * INTERNAL_REFERENCE — NUMBER still `~` when it was, lines with INTERNAL_REFERENCE null, DATE
 * ISO — as L1's sample shows; the number given is read back with GET. Status
 * `orderCreatedStatus` (silent: 200 default, or 201). A NUMBER that exists already makes a
 * second order: Logo leaves duplicate checks to the caller. Unknown query parameters (e.g.
 * `validateOnly`, which no public source has) are ignored, as Web API ignores them.
 */
export async function postOrder(c: Ctx, t: Tenant, body: string) {
  const user = await enter(c, t, "orders");
  if (user instanceof Response) return user;
  let sent: unknown;
  try {
    sent = JSON.parse(body);
  } catch {
    return modelState(c, "OtherError", "Gönderilen JSON okunamadı.");
  }
  let order: Json;
  try {
    order = orderRecord(t, sent);
  } catch (error) {
    if (error instanceof Refused) return modelState(c, error.key, error.message);
    throw error;
  }
  t.orders.push(order);
  // The sorted views of /salesOrders read before this order must not hide it.
  changed(t);
  const given = sent as Json;
  const { INTERNAL_REFERENCE: _, ...rest } = given;
  const lines = ((given.TRANSACTIONS as Json).items as Json[]).map((line) => ({ INTERNAL_REFERENCE: null, ...line }));
  const echo = {
    INTERNAL_REFERENCE: order.INTERNAL_REFERENCE,
    ...rest,
    DATE: order.DATE,
    TRANSACTIONS: { items: lines },
  };
  return c.json(echo, t.config.orderCreatedStatus);
}

/** `GET /salesOrders` with `q` over the header (L5 finds an order by `NUMBER eq '…'`). */
export const listOrders = (c: Ctx, t: Tenant, params: Params) =>
  readList(c, t, params, "orders", () => ordersTable(t, render(c, t, expanded(params))));

/** `GET /salesOrders/{ref}`; lines only with `expandLevel=full` (L1) or `expand=TRANSACTIONS`. */
export const readOrder = (c: Ctx, t: Tenant, id: string, params: Params) => {
  const show = render(c, t, expanded(params));
  return readOne(c, t, id, "orders", "salesOrders", (ref) => {
    const order = t.orders.find((o) => o.INTERNAL_REFERENCE === ref);
    return order && show(order);
  });
};

const expanded = (params: Params) =>
  params.get("expandLevel")?.toLowerCase() === "full" || /\bTRANSACTIONS\b/i.test(params.get("expand") ?? "");

/** A stored order as read back: sub-collections carry their Meta href, their items only when expanded. */
function render(c: Ctx, t: Tenant, full: boolean) {
  return (order: Json): Json => {
    const href = `${apiBase(c, t)}/salesOrders/${order.INTERNAL_REFERENCE}/TRANSACTIONS`;
    const lines = (order.TRANSACTIONS as { items: Json[] }).items;
    const items = lines.map((line) => ({ Meta: meta(`${href}/${line.INTERNAL_REFERENCE}`), ...line }));
    return { ...order, TRANSACTIONS: full ? { Meta: meta(href), items } : { Meta: meta(href) } };
  };
}
