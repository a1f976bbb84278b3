import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { adminApp } from "./admin.ts";
import { authApp } from "./auth.ts";
import { dataApp } from "./data.ts";
import { failure } from "./gate.ts";
import { slipsApp } from "./slips.ts";

/**
 * Netsis NetOpenX REST as the gateway's connector (src/connectors/netsis) sees it: one
 * independent ERP per tenant, created with defaults on first use. Base `/netsis/{tenant}/api/v2`.
 * Where the public shape is unknown this is the connector's choice, documented in its doc comment.
 *
 * POST /token   form: grant_type=password, branchcode, username, password, dbname, dbuser,
 *               dbpassword, dbtype (0 | MSSQL, 1 | ORACLE)
 *   200 { access_token, token_type: "bearer", expires_in }
 *   400 { error: "invalid_grant" | "unsupported_grant_type", error_description } for a wrong
 *       branch, database type, name, user or password (database first, then the Netsis user)
 *
 * Data endpoints take `Authorization: Bearer <token>` and answer NetOpenX's envelope
 * { IsSuccessful, Data, ErrorDesc, TotalCount? }: 200 (IsSuccessful false for business errors),
 * 401 { Message } for a missing, unknown or expired token, 403 (IsSuccessful false) when the
 * user lacks the permission named in brackets.
 *   GET  /Items?limit&offset&sort=Stok_Kodu[ desc]&fields      [items]
 *        Data [{ StokTemelBilgi: { Stok_Kodu, Stok_Adi, Grup_Kodu, KDV_Orani, Olcu_Br1, Sube_Kodu },
 *                StokEkBilgi: { Barkod1, Barkod2, Barkod3 } }], TotalCount
 *   GET  /ItemStocks?depoKodu&limit&offset&sort=StokKodu       [stock]
 *        Data [{ StokKodu, DepoKodu, Bakiye }]: one row per item; without depoKodu the sum of all
 *        depots with DepoKodu null; an unknown depot is a business error. KG balances are fractional.
 *   GET  /ItemPrices?limit&offset&sort=StokKodu                [prices]
 *        Data [{ StokKodu, Fiyat, DovizTipi (0 TL, 1 USD, 2 EUR), KdvDahil }]
 *   POST /ItemSlips[?validateOnly=true]                        [orders]
 *        { FatUst: { Sube_Kodu, CariKod, Tarih (YYYY-MM-DD…), Tip, FATIRS_NO, KDV_DAHILMI },
 *          Kalems: [{ StokKodu, DEPO_KODU, STra_GCMIK, STra_BF, … }] }
 *        → Data { FATIRS_NO, FatUst, Kalems }. A second slip with the same FATIRS_NO is stored
 *        as another slip. Unknown StokKodu / DEPO_KODU, empty CariKod … → IsSuccessful false.
 *        validateOnly checks token, permission and slip (lines only if given), stores nothing.
 *   GET  /ItemSlips?fatirsNo&limit&offset                      [orders]
 *        Data [{ FATIRS_NO, FatUst, Kalems }], TotalCount: the slips with that number
 *
 * Test controls under `/netsis/{tenant}/__sim` (no token):
 *   PUT    /config   replace the configuration: { items (50), branchCode (0), dbName ("TESTDB"),
 *                    dbUser ("sa"), dbPassword ("sa-pass"), dbType ("MSSQL"),
 *                    users ([{ username: "netsis", password: "netsis-pass", permissions: all }]),
 *                    tokenTtlSeconds (3600), latencyMs, errorRate, seed, rateLimitNext,
 *                    retryAfterSeconds (1), failNext, failStatus (500; 200 = IsSuccessful false),
 *                    failMessage, malformedEvery }
 *          Faults apply to data endpoints after the token check, in the order failNext,
 *          rateLimitNext (429 + Retry-After), errorRate (500, seeded).
 *   PATCH  /config   change only the fields given        GET /config   as it stands (counters)
 *   GET    /slips    { count, slips } received           GET /stats    { logins, failedLogins, requests }
 *   POST   /expire-tokens   every issued token stops working (401)
 *   DELETE /netsis/{tenant}/__sim   forget the tenant
 *
 * State lives in module-level Maps of this one simulator process (see catalogue.ts for the data).
 */
export const netsisApp = new Hono<{ Bindings: SimEnv }>();

netsisApp.route("/", authApp);
netsisApp.route("/", dataApp);
netsisApp.route("/", slipsApp);
netsisApp.route("/", adminApp);
netsisApp.all("*", (c) => failure(c, `No route ${c.req.method} ${c.req.path}`, 404));
netsisApp.onError((err, c) => failure(c, `Simulator failed: ${err.message}`, 500));
