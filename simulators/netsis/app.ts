import { Hono } from "hono";
import type { SimEnv } from "../index.ts";
import { adminApp } from "./admin.ts";
import { token } from "./auth.ts";
import { aspNetError, crashed } from "./envelope.ts";
import { itemRoutes } from "./items.ts";
import { queryRoutes } from "./queries.ts";
import { dispatch, ranked, segmentsAfterTenant } from "./routing.ts";
import { slipRoutes } from "./slips.ts";

/**
 * Netsis NetOpenX REST as public material shows it (sources in
 * shared/research/erp-public-facts.md: N1 the official NetOpenX.Rest.Client.dll 2.0.4.3 and its
 * sample, N2 mcicekci/NetsisRestOrnekleri, N3 EnsarOZD/AkyildizSevkiyat's NetsisClient). One
 * independent ERP per tenant, created with defaults on first use, base `/netsis/{tenant}/api/v2`.
 * Each behaviour names its source; "chosen" marks what public material leaves open, and most of
 * those are switches in the configuration so that tests can cover both sides.
 *
 * Routing (ASP.NET Web API): segments and query-parameter names ignore case; a trailing slash
 * is the same path (N1's URLs end with one); unknown query parameters are ignored (so
 * `POST ItemSlips?validateOnly=true` stores the slip: no dry run exists, and
 * `GET ItemSlips?fatirsNo=X` lists every slip). A path no route matches: 404 { Message: "No HTTP
 * resource was found that matches the request URI '…'.", MessageDetail }; there is no ItemStocks
 * or ItemPrices resource (N1's URL table). A known path with another method: 405 { Message }.
 * Other real NetOpenX controllers (ARPs, GLSlips …): 501 (not simulated).
 *
 * POST /token (GET too: N3 sends its form with GET), form fields in any case (chosen):
 *   grant_type=password, branchcode, username, password, dbname, dbuser, dbpassword, optional
 *   dbtype, hashcode, idmtoken (N1 LoginManager.Login, N2; hashcode and idmtoken are ignored).
 *   dbtype is N1's JNVTTipi, the number or the name: 0 vtMSSQL, 1 vtReserved (refused), 2
 *   vtOracle, 3 vtAS400; another type than the server's is refused; absent, the server's own
 *   (N3 leaves it out; an empty value counts as absent). With dbTypeParam "crash" any dbtype field at all gives HTTP 500
 *   { Message: "An error has occurred." } (Netsis 9.0.67.0, N3). The company database is
 *   checked before the Netsis user (branch, db type, name, db user/password, then user).
 *   grant_type=refresh_token&refresh_token=… issues a new pair; a refresh token works once (chosen).
 *   200 { access_token, token_type: "bearer", expires_in, refresh_token, username, branchcode,
 *   dbname, ".issued", ".expires" } (N1 AuthResult, N2 TokenSonuc; dates in OWIN's RFC 1123 form)
 *   400 { error: "invalid_grant" | "unsupported_grant_type", error_description } in Turkish (N1, N2).
 *
 * Data calls take `Authorization: Bearer <token>`. A missing, unknown or expired token
 * (tokenTtlSeconds, 3600 by default: chosen): 401 { Message: "Authorization has been denied for
 * this request." } (N1). Answers are N1's TResult { IsSuccessful, ErrorCode, ErrorDesc, Message,
 * Data }, lists N1's TSelectData (plus Meta, Offset, TotalCount, Limit, First, Next, Previous;
 * links { Href, MediaType, ApiVersion }). Business errors: HTTP 200, IsSuccessful false, a Turkish
 * ErrorDesc (N3: NetOpenX answers 200 and reports in IsSuccessful) and an ErrorCode of ours
 * (ValidationError, NotFound, Duplicate, PermissionDenied, SqlError, Injected: chosen). A user
 * without the right in brackets gets such a business error (chosen); without `prices` the item
 * cards come with null prices (chosen).
 *
 *   GET  /Items   [items]  limit (absent or 0: defaultLimit 50; clamped to maxLimit 1000: chosen), offset,
 *        sort=<Column> ASC|DESC[, …] over any StokTemelBilgi/StokEkBilgi column, fields=a,b,
 *        q (a SQL WHERE clause: chosen, see filter.ts), expand (accepted, no effect: chosen) (N1
 *        SelectFilter). Data [{ StokTemelBilgi, StokEkBilgi }] (N1 Items; see catalogue.ts).
 *        Unknown columns and bad syntax: IsSuccessful false in SQL Server's words.
 *   GET  /Items/PrimInfo/   [items]  the StokTemelBilgi records alone, same parameters (N1).
 *   GET  /Items/{Stok_Kodu}/   [items]  one item; unknown or deleted: NotFound (N1 GetInternalById).
 *        Stock codes compare without case or trailing spaces here, in slip lines and in SQL, as
 *        the company database's CI collation compares them (chosen); slips store the card's code.
 *   GET  /Queries?tsql=…  (POST /Queries/ { TSql } too: N1 QueryParam)   [stock]
 *        one SELECT on TBLSTOKPH and TBLSTSABIT (N3; see stock.ts and queries.ts). The answer's
 *        shape is silent (N3 copes with three): queriesShape "envelope" { IsSuccessful, Data:
 *        [{ column: value }] }, "rows" [{ column: value }], "table" [[value, …]]. SQL errors:
 *        IsSuccessful false with SQL Server's words; in "rows"/"table" HTTP 500 { Message,
 *        ExceptionMessage } as Web API reports an exception (chosen). An ORACLE tenant speaks
 *        Oracle where clients notice: FETCH FIRST / OFFSET without ORDER BY, no TOP, DUAL,
 *        ORA- messages, upper-case column names (dialect.ts; chosen).
 *   POST /ItemSlips   [orders]  N1 ItemSlips { FaturaTip, FatUst, Kalems, … } (N1 models, N2, N3),
 *        bound as Json.NET binds (models.ts: names in any case, unknown members dropped, "1" for
 *        1, dates ISO / "yyyy-MM-dd HH:mm:ss" (N3) / "dd.MM.yyyy HH:mm:ss" (Turkish culture, N2),
 *        zones converted to Turkish time: chosen). FaturaTip or FatUst.Tip is N1's JTFaturaTip,
 *        number or name (0 ftSFat sales invoice, 6 ftASip purchase order, 7 ftSSip sales order);
 *        FATIRS_NO at most 15 characters (N3); CariKod required; Sube_Kodu the branch; each line's
 *        StokKodu an existing item, DEPO_KODU one of `depots` (absent: the card's), STra_GCMIK > 0,
 *        STra_BF ≥ 0 (absent: 0), STra_NF (absent: STra_BF), STra_KDV (absent: the card's); Tarih
 *        absent: now in Turkish time (chosen); locked
 *        items refused (Kilit, or SatisKilit on sales documents; lockedItems: chosen). Totals
 *        (BRUTTUTAR, SAT_ISKT, KDV, GENELTOPLAM) computed. A second slip with the same (type,
 *        FATIRS_NO, CariKod): duplicateSlip "store" (default) or "refuse" (silent). Stock moves
 *        (chosen): invoices/waybills change TOP_GIRIS/CIKIS_MIK, orders MUS/SAT_TOP_SIPARIS.
 *        Data: the stored slip.
 *   POST /ItemSlips/Calculate/   [orders]  the same checks and totals; stores nothing (N1).
 *   GET  /ItemSlips/{Tip};{FATIRS_NO};{CariKod}/   [orders]  Tip by name (ftSSip) or number, parts
 *        URL-encoded (N1 GetInternalById, N3); an empty CariKod matches any (chosen); the first
 *        stored wins. POST /ItemSlips/details/ { DocumentType, DocumentNumber, CustomerCode } (N1).
 *        Found: Data { FatUst, Kalems, … }. Missing (silent): missingSlip "error" (IsSuccessful
 *        false, NotFound), "empty" (IsSuccessful true, Data null) or "404" (HTTP 404 { Message }).
 *   GET  /ItemSlips/?docType=7&limit&offset   [orders]  the slips of that type, all without (N1).
 *
 * Faults apply to data calls after the token check, in this order: expireTokensAfter n (n more
 * data calls work, then every issued token is dropped and that call gets 401; fires once),
 * failNext (failStatus 500 by default → { Message: failMessage ?? "An error has occurred." };
 * 200 → a business error), rateLimitNext (429 + Retry-After: retryAfterSeconds, 1), errorRate
 * (500, seeded by seed). latencyMs delays every data call; malformedEvery K breaks every K-th
 * item (no Stok_Kodu, or KDV_Orani "yüzde on") and its TBLSTOKPH rows (TOP_CIKIS_MIK NULL).
 *
 * Test controls under `/netsis/{tenant}/__sim` (no token):
 *   PUT    /config   replace the configuration (defaults for what is left out; strict: a misspelt
 *          key is a 400): items (50), branchCode (0), depots ([1, 2]), dbName ("TESTDB"), dbUser
 *          ("sa"), dbPassword ("sa-pass"), dbType ("MSSQL" | "ORACLE"), dbTypeParam ("accepted" |
 *          "crash"), users ([{ username: "netsis", password: "netsis-pass", permissions: ["items",
 *          "stock", "prices", "orders"] }]), tokenTtlSeconds (3600), defaultLimit (50), maxLimit
 *          (1000), queriesShape ("envelope"), missingSlip ("error"), duplicateSlip ("store"),
 *          lockedItems ("refuse"), expireTokensAfter, latencyMs, errorRate, seed, rateLimitNext,
 *          retryAfterSeconds, failNext, failStatus, failMessage, malformedEvery
 *   PATCH  /config   change only the fields given        GET /config   as it stands (counters)
 *   GET    /slips    { count, slips: [{ FATIRS_NO, FaturaTip, CariKod, FatUst, Kalems, storedAt }] }
 *   GET    /stats    { logins, failedLogins, requests: { "<METHOD> <route>": n }, hosts: { host: n } }
 *          (hosts: every request that carries a token or credentials)
 *   POST   /expire-tokens   every issued access token stops working (401)
 *   POST   /delete { codes }   the items vanish from Items and from both tables
 *   POST   /lock { codes, field?: "Kilit" | "SatisKilit" (Kilit), value?: "E" | "H" (E) }
 *   GET    /items/{code}   the item as /Items serves it + { stock: { total, byDepot }, deleted }
 *   DELETE /netsis/{tenant}/__sim   forget the tenant
 *
 * State lives in module-level Maps of this one simulator process.
 */
export const netsisApp = new Hono<{ Bindings: SimEnv }>();

const ROUTES = ranked([...itemRoutes, ...queryRoutes, ...slipRoutes]);

netsisApp.route("/", adminApp);
netsisApp.all("/:tenant/:rest{.+}", async (c) => {
  const raw = segmentsAfterTenant(c);
  const url = new URL(c.req.url);
  if (raw[0]?.toLowerCase() !== "api" || raw[1]?.toLowerCase() !== "v2") {
    // Read what was sent (a login form) first: workerd complains of a body left unread.
    await c.req.raw.arrayBuffer().catch(() => undefined);
    return aspNetError(c, 404, `No HTTP resource was found that matches the request URI '${url.href}'.`);
  }
  const rest = raw.slice(2);
  if (rest.length === 1 && rest[0]?.toLowerCase() === "token" && (c.req.method === "POST" || c.req.method === "GET")) {
    return token(c);
  }
  return dispatch(c, ROUTES, rest);
});
netsisApp.onError((err, c) => {
  console.error("netsis simulator:", err);
  return crashed(c);
});
