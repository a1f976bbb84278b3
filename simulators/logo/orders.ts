import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { refOfCode } from "./catalogue.ts";
import { enter, listQuery, logoError } from "./gate.ts";
import { QueryError } from "./query.ts";
import { erpNow, formatTime, type Order, type Tenant } from "./state.ts";
import { list } from "./table.ts";
import { ordersTable } from "./tables.ts";

/**
 * `GET /salesOrders` (list envelope; `q` over INTERNAL_REFERENCE, NUMBER, ARP_CODE, DATE) and
 * `POST /salesOrders`. A POST writes whatever it is given, even a NUMBER that exists already:
 * like the real ERP, it leaves duplicate checks to the caller.
 */
export const ordersApp = new Hono<{ Bindings: SimEnv }>();

ordersApp.get("/:tenant/api/v1/salesOrders", async (c) => {
  const state = await enter(c, "orders");
  if (state instanceof Response) return state;
  const query = listQuery(c);
  if (typeof query === "string") return logoError(c, 400, "invalid_request", query);
  try {
    return c.json(list(ordersTable(state), query, c.req.url));
  } catch (error) {
    if (error instanceof QueryError) return logoError(c, 400, "invalid_request", error.message);
    throw error;
  }
});

ordersApp.post("/:tenant/api/v1/salesOrders", async (c) => {
  // Read the body whatever the answer: workerd complains when a response goes out while the
  // caller is still sending a body nobody read.
  const raw = await c.req.text();
  const state = await enter(c, "orders");
  if (state instanceof Response) return state;
  // A dry run answers for the right to write orders, without looking at the body.
  if (c.req.query("validateOnly") === "true") return c.json({ validateOnly: true, valid: true });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return logoError(c, 400, "invalid_request", "body is not valid JSON");
  }
  const problem = orderProblem(state, body);
  if (problem) return logoError(c, 400, "invalid_request", problem);
  const given = body as Omit<Order, "INTERNAL_REFERENCE" | "CREATED_AT">;
  const order: Order = {
    INTERNAL_REFERENCE: state.orders.length + 1,
    NUMBER: given.NUMBER,
    ARP_CODE: given.ARP_CODE,
    DATE: given.DATE,
    TRANSACTIONS: { items: given.TRANSACTIONS.items },
    CREATED_AT: formatTime(erpNow()),
  };
  state.orders.push(order);
  return c.json({ INTERNAL_REFERENCE: order.INTERNAL_REFERENCE, NUMBER: order.NUMBER }, 201);
});

/** What is wrong with a sales order body, in the words of the ERP; null when nothing is. */
function orderProblem(state: Tenant, body: unknown): string | null {
  if (!isObject(body)) return "body must be a JSON object";
  const text = (v: unknown) => typeof v === "string" && v.trim() !== "";
  if (!text(body.NUMBER)) return "NUMBER (fiş numarası) gerekli";
  if (!text(body.ARP_CODE)) return "ARP_CODE (cari hesap kodu) gerekli";
  if (typeof body.DATE !== "string" || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$/.test(body.DATE)) {
    return "DATE must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS";
  }
  const lines = isObject(body.TRANSACTIONS) ? body.TRANSACTIONS.items : undefined;
  if (!Array.isArray(lines) || lines.length === 0) return "TRANSACTIONS.items must hold at least one line";
  for (const [k, line] of lines.entries()) {
    const at = `TRANSACTIONS.items[${k}]`;
    if (!isObject(line)) return `${at} must be an object`;
    if (line.TYPE !== 0) return `${at}.TYPE: only material lines (0) are supported`;
    if (typeof line.MASTER_CODE !== "string" || refOfCode(state, line.MASTER_CODE) === undefined) {
      return `${at}.MASTER_CODE: '${String(line.MASTER_CODE)}' kodlu malzeme kartı bulunamadı`;
    }
    if (!isNumber(line.QUANTITY) || line.QUANTITY <= 0) return `${at}.QUANTITY must be a number > 0`;
    if (!isNumber(line.PRICE) || line.PRICE < 0) return `${at}.PRICE must be a number ≥ 0`;
    if (!isNumber(line.VAT_RATE) || line.VAT_RATE < 0 || line.VAT_RATE > 100) {
      return `${at}.VAT_RATE must be a number from 0 to 100`;
    }
  }
  return null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
