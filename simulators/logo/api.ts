import { login } from "./auth.ts";
import { exists, itemCard } from "./catalogue.ts";
import { type Ctx, methodNotAllowed, noResource, Params } from "./http.ts";
import { listOrders, postOrder, readOrder } from "./orders.ts";
import { priceExists, priceRow } from "./prices.ts";
import { runQuery, unsafeStatement } from "./queries.ts";
import { readList, readOne } from "./reads.ts";
import { itemsTable, pricesTable } from "./resources.ts";
import { count, type Tenant, tenant } from "./state.ts";

interface Call {
  t: Tenant;
  params: Params;
  body: string;
  id: string;
}
type Handler = (c: Ctx, call: Call) => Response | Promise<Response>;

/**
 * The resources, as ASP.NET Web API routes them: path segments matched without case, a
 * trailing slash ignored, unknown query parameters ignored. `{id}` is a record's reference.
 * A resource the real API lacks (`/itemStocks`, `/stocks`) is 404 `{ Message }`; a known one
 * with another method 405.
 */
const ROUTES: Record<string, { name: string; methods: Record<string, Handler> }> = {
  token: { name: "token", methods: { POST: (c, { t, body }) => login(c, t, body) } },
  items: {
    name: "items",
    methods: { GET: (c, { t, params }) => readList(c, t, params, "items", () => itemsTable(t)) },
  },
  "items/{id}": {
    name: "items/{id}",
    methods: {
      GET: (c, { t, id }) =>
        readOne(c, t, id, "items", "items", (ref) => (exists(t, ref) ? itemCard(t, ref) : undefined)),
    },
  },
  salesitemprices: {
    name: "salesItemPrices",
    methods: { GET: (c, { t, params }) => readList(c, t, params, "prices", () => pricesTable(t)) },
  },
  "salesitemprices/{id}": {
    name: "salesItemPrices/{id}",
    methods: {
      GET: (c, { t, id }) =>
        readOne(c, t, id, "prices", "salesItemPrices", (ref) => (priceExists(t, ref) ? priceRow(t, ref) : undefined)),
    },
  },
  salesorders: {
    name: "salesOrders",
    methods: { GET: (c, { t, params }) => listOrders(c, t, params), POST: (c, { t, body }) => postOrder(c, t, body) },
  },
  "salesorders/{id}": {
    name: "salesOrders/{id}",
    methods: { GET: (c, { t, id, params }) => readOrder(c, t, id, params) },
  },
  queries: {
    name: "queries",
    methods: { GET: (c, { t, params }) => runQuery(c, t, params, params.get("tsql"), "queries") },
  },
  "queries/unsafe": {
    name: "queries/unsafe",
    methods: { POST: (c, { t, params, body }) => runQuery(c, t, params, unsafeStatement(body), "unsafe") },
  },
};

/** `/logo/{tenant}/api/v1/...`: `rest` is the path after `api/v1`. */
export async function dispatch(c: Ctx, tenantId: string, rest: string[]): Promise<Response> {
  const t = tenant(tenantId);
  // Read any body first: workerd complains when an answer goes out before the request was read.
  // As bytes, then text: a form body read with text() makes workerd warn about its Content-Type.
  const body =
    c.req.method === "GET" || c.req.method === "HEAD" ? "" : new TextDecoder().decode(await c.req.arrayBuffer());
  if (c.req.header("authorization") !== undefined)
    count(t.stats.hosts, c.req.header("host") ?? new URL(c.req.url).host);
  const segments = rest.filter((s, k) => s !== "" || k < rest.length - 1).map((s) => s.toLowerCase());
  const id =
    segments.length === 2 && /^(items|salesitemprices|salesorders)$/.test(segments[0] ?? "") ? segments[1] : undefined;
  const key = id === undefined ? segments.join("/") : `${segments[0]}/{id}`;
  const route = Object.hasOwn(ROUTES, key) ? ROUTES[key] : undefined;
  if (!route) {
    if (segments[0] !== "token") countRequest(t, `${c.req.method} /${segments.join("/")}`);
    return noResource(c);
  }
  const handler = route.methods[c.req.method];
  if (route.name !== "token") countRequest(t, `${c.req.method} /${route.name}`);
  if (!handler) return methodNotAllowed(c);
  return handler(c, { t, params: new Params(c.req.url), body, id: id ?? "" });
}

function countRequest(t: Tenant, endpoint: string): void {
  t.stats.requests++;
  count(t.stats.byEndpoint, endpoint);
}
