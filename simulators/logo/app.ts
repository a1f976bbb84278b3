import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { adminApp } from "./admin.ts";
import { apiApp } from "./api.ts";
import { authApp } from "./auth.ts";
import { logoError } from "./gate.ts";
import { ordersApp } from "./orders.ts";

/**
 * Logo Objects REST (`/api/v1`), one independent ERP per tenant, created with defaults on
 * first use. The gateway's connector (src/connectors/logo) and this simulator must agree on
 * what follows; where public clients do not show Logo's shape, this is the plausible one.
 *
 * POST /logo/{tenant}/api/v1/token      form grant_type=password, username, password, firmno;
 *      Authorization: Basic base64(clientId:clientSecret)
 *      200 { access_token, token_type: "bearer", expires_in }; 401 invalid_client;
 *      400 invalid_grant (user, password, firm) or unsupported_grant_type
 * Every other call: Authorization: Bearer <token>; unknown or expired -> 401 invalid_token;
 * a user without the right -> 403 access_denied (rights: items, stock, prices, orders).
 * GET  /items               q, sort, fields, offset, limit (default 50, at most 1000), withCount=true
 *      -> { offset, count, totalCount (null without withCount), limit, next (URL or null), items }
 *      items: INTERNAL_REFERENCE, CODE, NAME, VAT, EAN_BARCODE, UNITSET_CODE, DATE_MODIFIED
 *      ("YYYY-MM-DD"), HOUR_MODIFIED, MIN_MODIFIED, SEC_MODIFIED (ERP local time, UTC+3)
 *      q: FIELD eq|ne|gt|ge|lt|le <number | 'text'>, and/or, parentheses (query.ts);
 *      sort: comma list of fields, ascending, ties by primary key. Unknown field, bad syntax -> 400.
 * GET  /salesItemPrices     the same envelope and parameters; LOGICALREF, CODE (price card,
 *      "STD"), CARD_CODE (item CODE), PRICE, CURRENCY (0 TL, 1 USD, 20 EUR), VAT_INCL (0/1), PTYPE (2)
 * GET  /queries?tsql=&offset&limit  only the stock query of tsql.ts -> rows { STOCKREF, CODE, ONHAND };
 *      another firm's or period's view -> 400 "Invalid object name"; anything else -> 400 "unsupported query"
 * GET  /salesOrders         the envelope; q over INTERNAL_REFERENCE, NUMBER, ARP_CODE, DATE
 * POST /salesOrders         { NUMBER, ARP_CODE, DATE, TRANSACTIONS: { items: [{ TYPE: 0, MASTER_CODE,
 *      QUANTITY, PRICE, VAT_RATE }] } } -> 201 { INTERNAL_REFERENCE, NUMBER }; the same NUMBER
 *      twice makes two orders; an unknown MASTER_CODE or a bad field -> 400.
 *      ?validateOnly=true -> 200 { validateOnly: true, valid: true } when the user may write orders.
 * Every error body is { error, error_description }.
 *
 * Faults (latencyMs, failNext/failStatus, rateLimitNext/retryAfterSeconds, errorRate/seed) apply
 * to the data endpoints above, after the token check and before the right check; never to
 * /token (a test can then aim a fault at a data call whether or not the client logs in first).
 *
 * Test controls, per tenant, without a token:
 * PUT    /logo/{tenant}/__sim/config   { items?, firmNo?, periodNo?, users?: [{ username, password,
 *        permissions }], clientId?, clientSecret?, tokenTtlSeconds?, latencyMs?, errorRate?, seed?,
 *        rateLimitNext?, retryAfterSeconds?, failNext?, failStatus?, malformedEvery? }; the fields
 *        given replace those in force, the others stay. Defaults: 50 items, firm 1, period 1,
 *        user logo/logo-pass with every right, client LOGO/LOGO, tokens for 3600 s.
 * GET    /logo/{tenant}/__sim/config   the config in force, fault counters as they stand
 * GET    /logo/{tenant}/__sim/stats    { logins, requests (data endpoints), tokens, orders }
 * GET    /logo/{tenant}/__sim/orders   { count, orders } as received
 * POST   /logo/{tenant}/__sim/touch    { codes?, count? (the first n items), at?: "YYYY-MM-DDTHH:MM:SS" }
 *        renames and reprices those items and sets their change time to `at` (default: now)
 * POST   /logo/{tenant}/__sim/expire-tokens   every token issued so far answers 401 from now on
 * DELETE /logo/{tenant}/__sim                 forgets the tenant
 *
 * State lives in module-level Maps of this one simulator process.
 */
export const logoApp = new Hono<{ Bindings: SimEnv }>();

logoApp.route("/", authApp);
logoApp.route("/", apiApp);
logoApp.route("/", ordersApp);
logoApp.route("/", adminApp);
logoApp.all("*", (c) => logoError(c, 404, "not_found", `no route ${c.req.method} ${c.req.path}`));
logoApp.onError((err, c) => logoError(c, 500, "server_error", `simulator failed: ${err.message}`));
