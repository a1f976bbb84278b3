import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { adminApp } from "./admin.ts";
import { adminItemsApp } from "./admin-items.ts";
import { dispatch } from "./api.ts";
import { noResource } from "./http.ts";

/**
 * Logo Objects REST (`/api/v1`) as public material shows it, one independent ERP per tenant
 * under /logo/{tenant}/api/v1, created with defaults on first use. Sources: L1 Logo's "Logo REST – Temelleri", L2
 * logo-objects-node, L3 logo-objects-php, L4 LogoRestClient (Python), L5 LogoWeb (Angular),
 * L6 Senkora (C#). "silent: chosen" marks what no source settles; most of those are switchable.
 *
 * Routing (ASP.NET Web API, L1: a self-hosted Web API service; L2 writes `/Queries`): path
 * segments without case, a trailing slash ignored, query parameter names without case,
 * unknown parameters ignored (`POST /salesOrders?validateOnly=true` writes the order: no source
 * has a dry run). A resource not served here (`/itemStocks`, `/stocks`, …) → 404 `{ Message:
 * "No HTTP resource was found that matches the request URI '…'." }`; another method on a served
 * one → 405 (the real API also has PUT/PATCH/DELETE and many more resources — not simulated).
 *
 * POST /token (auth.ts): form body whatever the Content-Type (L1 sends application/json),
 *   field names in any case (firmno L1/L4/L5/L6, Firmno L2/L3), grant_type=password, firm
 *   1/01/001. Client id/secret (Basic) checked only with `checkClient` (L4 sends none, L5 a bare
 *   Basic). 200 { access_token, token_type: "bearer", expires_in (`tokenTtlSeconds`, 119 as L1),
 *   refresh_token, "as:client_id", userName, firmNo, .issued, .expires (RFC 1123) } (L1);
 *   400 { error, error_description } invalid_client / unsupported_grant_type / invalid_grant
 *   (L4, L5). User names match without case (silent: chosen). No refresh grant (L6: re-login).
 * Data calls: `Authorization: Bearer <token>`, one or more spaces (L1 sends two). A missing,
 *   unknown or expired token, by `unauthorized`: "bare" 401 empty body + WWW-Authenticate:
 *   Bearer (L5, L6); "message" 401 { Message: "Authorization has been denied for this request." };
 *   "loginError" 400 ModelState { LoginError } (L4 logs in again on it). Never { error: "invalid_token" }.
 * Errors: ModelState bodies { Message: "The request is invalid.", ModelState: { key: [text] } }
 *   with keys LOError:, ValError0, OtherError, DBError, LoginError, SQL numbers (L1, L4, L5), all
 *   400 (silent: chosen); a user without the right (items, stock, prices, orders) → LOError: in
 *   Turkish; injected 5xx → { Message: "An error has occurred." } (ASP.NET).
 *
 * Lists (list.ts, filter.ts) GET /items, /salesItemPrices, /salesOrders; one record GET
 *   /{resource}/{INTERNAL_REFERENCE} (L1), missing → 404 (silent: chosen). Parameters q, fields,
 *   sort (FIELD [asc|desc], ...), offset, limit, withCount, count, expand, expandLevel (L2, L3, L5).
 *   limit defaults to `defaultLimit` 10 (L1: a service setting), clamped to `maxLimit` 1000
 *   (silent). Envelope { Meta, offset, count, totalCount (withCount=true; count=true too —
 *   silent: chosen), limit, first, next, previous, items } with links { href, mediaType,
 *   apiVersion } (L2 types/index.ts, L3, L5 pages with next.href); `nextLink: "string"` makes
 *   next a bare URL; last page next null or, `lastPageNext: "absent"`, left out (silent). Links
 *   keep the request's other parameters; with `advertisedOrigin` they carry that origin (L1's
 *   carry the server's own http://172.16.57.114:32001), the path /logo/{tenant}/api/v1 kept.
 *   Sort ties in primary-key order (silent: chosen). q: eq, neq/ne, gt, gte/ge, lt, lte/le,
 *   like with * (or %), and/or, parentheses, keywords and field names in any case, numbers and
 *   'text' (L2 queryBuilder.ts, L5, L6); date fields take 'dd.mm.yyyy' (L2), 'yyyy-mm-dd' or
 *   'yyyy-mm-ddThh:mm:ss', compared as instants (silent: chosen). Unknown field in q, sort or
 *   fields → ModelState { "207": ["Invalid column name 'X'."] } (the service makes SQL of q);
 *   bad syntax → 102; a bad offset/limit → ModelState keyed by the parameter.
 * Items (catalogue.ts): INTERNAL_REFERENCE, CARD_TYPE (1, 12, a few 22 — L6 keeps 1 and 12, L1's
 *   SQL drops 22), CODE, NAME, VAT, UNITSET_CODE, EAN_BARCODE, RECORD_STATUS (0, silent), ACTIVE
 *   (0 in use, 1 passive — L6), CREATED_BY, DATE_/HOUR_/MIN_/SEC_CREATED, MODIFIED_BY,
 *   DATE_/HOUR_/MIN_/SEC_MODIFIED (L2, L5); dates "YYYY-MM-DDT00:00:00", the time in HOUR/MIN/SEC;
 *   never modified → DATE_MODIFIED "1899-12-30T00:00:00", 0/0/0 (L1 salesOrders/735, L5).
 * Prices (prices.ts) GET /salesItemPrices: INTERNAL_REFERENCE, CARD_CODE, CARDREF, OWNER_TYPE,
 *   ARP_CODE, PRICE, UNIT_CODE, VAT_INCL, CURRENCY (0/160 TL, 1 USD, 20 EUR — L1), PRIORITY,
 *   DATE_STARTED, DATE_ENDED, ACTIVE, GRPCODE, DEFINITION, created/modified (L2, L5, L6) — no
 *   PTYPE, CODE or LOGICALREF (→ 207). Several rows per item; open dates 1899-12-30 (silent).
 * Stock through SQL (queries.ts, sql-tables.ts, stock.ts): GET /queries?tsql= and POST
 *   /queries/unsafe (JSON string body, ?cmdTimeout= — L1, L5, L6), also /Queries (L2); off
 *   unless `sql` (L1: off by default) → 400 ModelState OtherError (status silent). Tables
 *   LG_/LV_{firm:3}_{period:2}_STINVTOT (per item × warehouse × date, plus INVENNO −1 totals —
 *   L5, L6), LG_/LV_…_GNTOTST (L5), LG_{firm:3}_ITEMS; others 208. SELECT only, on the shared
 *   engine (simulators/shared/sql); SQL errors → ModelState { "<number>": [message] } (L4). Rows
 *   in the envelope's items (L4, L6). `queriesPaging` "none" | "limit" (silent), `queriesJoin`
 *   "ok" | "fail" (L1: queries may fail JOINs, unsafe does them).
 * Orders (orders.ts, order-body.ts) POST /salesOrders (L1): NUMBER ("~" = next from the
 *   template, 0000000000000775…), DATE ("02.05.2016" read month first as L1's read-back shows,
 *   or ISO — L5), TIME, ARP_CODE, SOURCE_WH, TRANSACTIONS.items[] { TYPE 0, MASTER_CODE,
 *   QUANTITY, PRICE, VAT_RATE, UNIT_CODE, UNIT_CONV1/2, EDT_CURR }; answers the record as sent
 *   with INTERNAL_REFERENCE (L1), status `orderCreatedStatus` 200 | 201 (silent). Same NUMBER
 *   twice → two orders. NUMBER over `numberMaxLength` (16, silent) → DBError; unknown
 *   MASTER_CODE or unit → LOError: in Turkish. GET /salesOrders?q=NUMBER eq '…' (L5);
 *   GET /salesOrders/{ref}?expandLevel=full (L1): TYPE 1, ISO DATE, created set, modified 1899-12-30.
 *
 * Faults (gate.ts), data endpoints only, after the token check, in this order: latencyMs;
 * expireTokensAfter n (after n more data requests every token issued so far stops working);
 * failNext/failStatus; rateLimitNext/retryAfterSeconds (429 + Retry-After); errorRate/seed;
 * malformedEvery (items lacking CODE or with VAT "abc").
 *
 * Test controls under /logo/{tenant}/__sim, no token (admin.ts, admin-items.ts):
 *   PUT  /config {…}  merges the keys given into the config in force (strict: a misspelt key is
 *        400); GET /config. Keys and defaults: config.ts.
 *   GET  /stats  { logins, requests, byEndpoint: { "GET /items": n, … }, tokens, orders,
 *        hosts: { "<host>": n } } — hosts of every request with an Authorization header
 *   GET  /orders  { count, orders } as stored
 *   POST /touch { codes?, count?, at? } → { touched }; POST /create { count, at? } → { created };
 *   POST /delete { codes } → { deleted }; POST /deactivate | /activate { codes } → { deactivated | activated }
 *   GET  /items/{code}  the card as /items serves it + { onHand: { total, byWarehouse }, prices, deleted }
 *   POST /expire-tokens → { expired }; DELETE / forgets the tenant.
 *   `at` is ERP-local time YYYY-MM-DDTHH:MM:SS (Turkey, UTC+3, no DST), default now.
 *
 * State lives in module-level Maps of this one simulator process.
 */
export const logoApp = new Hono<{ Bindings: SimEnv }>();

logoApp.route("/", adminApp);
logoApp.route("/", adminItemsApp);
logoApp.all("/:tenant/*", (c) => {
  const [, , tenantId = "", api = "", version = "", ...rest] = new URL(c.req.url).pathname.split("/");
  if (api.toLowerCase() !== "api" || version.toLowerCase() !== "v1") return noResource(c);
  return dispatch(c, decodeURIComponent(tenantId), rest);
});
logoApp.all("*", (c) => noResource(c));
// Web API shows exception details to local callers: the simulator's own failures stay readable.
logoApp.onError((err, c) =>
  c.json({ Message: "An error has occurred.", ExceptionMessage: err.message, ExceptionType: err.name }, 500),
);
