import { describe, expect, it } from "vitest";
import { configureLogo, logoEndpoint, logoSim, newLogoTenant } from "../../helpers/logo.ts";

const BASIC_LOGO = `Basic ${btoa("LOGO:LOGO")}`;

async function token(tenant: string, form: Record<string, string> = {}, authorization = BASIC_LOGO) {
  const body = new URLSearchParams({
    grant_type: "password",
    username: "logo",
    password: "logo-pass",
    firmno: "1",
    ...form,
  });
  const res = await fetch(`${logoEndpoint(tenant)}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization },
    body: body.toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function get(tenant: string, path: string, accessToken?: string) {
  const bearer = accessToken ?? (await token(tenant)).body.access_token;
  const res = await fetch(`${logoEndpoint(tenant)}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const q = (expr: string) => encodeURIComponent(expr);

describe("the Logo simulator: login", () => {
  it("issues a bearer token for the password grant with the client as Basic", async () => {
    const res = await token(newLogoTenant("token"));
    expect(res).toEqual({
      status: 200,
      body: { access_token: expect.any(String), token_type: "bearer", expires_in: 3600 },
    });
  });

  it("answers invalid_grant for a wrong password or firm, invalid_client for a wrong client", async () => {
    const tenant = newLogoTenant("token-bad");
    expect(await token(tenant, { password: "nope" })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    const firm = await token(tenant, { firmno: "7" });
    expect(firm).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(firm.body.error_description).toContain("7");
    const client = await token(tenant, {}, `Basic ${btoa("LOGO:wrong")}`);
    expect(client).toMatchObject({
      status: 401,
      body: { error: "invalid_client", error_description: expect.any(String) },
    });
  });

  it("answers 401 invalid_token without a token and after the tokens were expired", async () => {
    const tenant = newLogoTenant("expire");
    const { access_token } = (await token(tenant)).body;
    expect((await get(tenant, "/items?limit=1", access_token)).status).toBe(200);
    await logoSim(tenant, "POST", "/expire-tokens");
    expect(await get(tenant, "/items?limit=1", access_token)).toMatchObject({
      status: 401,
      body: { error: "invalid_token", error_description: expect.any(String) },
    });
    const none = await fetch(`${logoEndpoint(tenant)}/items`);
    expect(none.status).toBe(401);
  });

  it("answers 403 access_denied for a user without the right", async () => {
    const tenant = newLogoTenant("rights");
    await configureLogo(tenant, { users: [{ username: "logo", password: "logo-pass", permissions: ["items"] }] });
    expect((await get(tenant, "/items?limit=1")).status).toBe(200);
    expect(await get(tenant, "/salesItemPrices?limit=1")).toMatchObject({
      status: 403,
      body: { error: "access_denied", error_description: expect.stringContaining("logo") },
    });
  });
});

describe("the Logo simulator: lists", () => {
  it("answers the envelope with a next URL, and counts only when asked", async () => {
    const tenant = newLogoTenant("envelope");
    await configureLogo(tenant, { items: 7 });
    const first = await get(tenant, "/items?limit=3");
    expect(first.body).toMatchObject({ offset: 0, count: 3, totalCount: null, limit: 3 });
    expect(first.body.items.map((i: any) => i.CODE)).toEqual(["ITM-000001", "ITM-000002", "ITM-000003"]);
    expect(first.body.items[0]).toEqual({
      INTERNAL_REFERENCE: 1,
      CODE: "ITM-000001",
      NAME: expect.any(String),
      VAT: expect.any(Number),
      EAN_BARCODE: expect.stringMatching(/^869\d{10}$/),
      UNITSET_CODE: "ADET",
      DATE_MODIFIED: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      HOUR_MODIFIED: expect.any(Number),
      MIN_MODIFIED: expect.any(Number),
      SEC_MODIFIED: expect.any(Number),
    });
    const next = new URL(first.body.next);
    expect(next.searchParams.get("offset")).toBe("3");
    const last = await get(tenant, "/items?limit=3&offset=6&withCount=true");
    expect(last.body).toMatchObject({ offset: 6, count: 1, totalCount: 7, next: null });
  });

  it("filters with eq/ne/gt/ge/lt/le, and/or and parentheses, and quoted text with ''", async () => {
    const tenant = newLogoTenant("filter");
    await configureLogo(tenant, { items: 30 });
    const refs = async (expr: string) =>
      (await get(tenant, `/items?limit=100&q=${q(expr)}`)).body.items.map((i: any) => i.INTERNAL_REFERENCE);
    expect(await refs("INTERNAL_REFERENCE le 3 or INTERNAL_REFERENCE ge 29")).toEqual([1, 2, 3, 29, 30]);
    expect(await refs("(INTERNAL_REFERENCE lt 5 or INTERNAL_REFERENCE gt 27) and UNITSET_CODE eq 'KG'")).toEqual([30]);
    expect(await refs("CODE eq 'ITM-000004' OR (INTERNAL_REFERENCE gt 1 AND INTERNAL_REFERENCE lt 3)")).toEqual([2, 4]);
    expect(await refs("CODE eq 'O''Brien'")).toEqual([]);
    expect((await refs("INTERNAL_REFERENCE ne 1")).length).toBe(29);
  });

  it("rejects an unknown field, bad syntax or a literal of the wrong type with a 400", async () => {
    const tenant = newLogoTenant("filter-bad");
    for (const [expr, message] of [
      ["COLOUR eq 'red'", /unknown field 'COLOUR'/],
      ["CODE eq", /position 8.*the end/],
      ["CODE = 'x'", /unexpected '='/],
      ["(CODE eq 'x'", /expected '\)'/],
      ["CODE eq 'x", /unterminated/],
      ["VAT eq '20'", /number field/],
    ] as const) {
      const res = await get(tenant, `/items?q=${q(expr)}`);
      expect(res.status, expr).toBe(400);
      expect(res.body.error_description, expr).toMatch(message);
    }
    expect((await get(tenant, "/items?sort=COLOUR")).status).toBe(400);
    expect((await get(tenant, "/items?fields=CODE,COLOUR")).status).toBe(400);
  });

  it("sorts by a list of fields, projects fields and caps limit at 1000", async () => {
    const tenant = newLogoTenant("sort");
    await configureLogo(tenant, { items: 1500 });
    const sorted = await get(tenant, "/items?limit=1500&sort=UNITSET_CODE,INTERNAL_REFERENCE&fields=CODE,UNITSET_CODE");
    expect(sorted.body.count).toBe(1000);
    expect(sorted.body.items[0]).toEqual({ CODE: "ITM-000001", UNITSET_CODE: "ADET" });
    const kg = await get(tenant, "/items?limit=2&offset=1200&sort=UNITSET_CODE&fields=INTERNAL_REFERENCE,UNITSET_CODE");
    expect(kg.body.items).toEqual([
      { INTERNAL_REFERENCE: 5, UNITSET_CODE: "KG" },
      { INTERNAL_REFERENCE: 10, UNITSET_CODE: "KG" },
    ]);
  });

  it("serves 100,000 items without building them all: a deep keyset page is quick", async () => {
    const tenant = newLogoTenant("big");
    await configureLogo(tenant, { items: 100_000 });
    const started = Date.now();
    const sort = "DATE_MODIFIED,HOUR_MODIFIED,MIN_MODIFIED,SEC_MODIFIED,INTERNAL_REFERENCE";
    const all = await get(tenant, `/items?limit=1&withCount=true&sort=${sort}`);
    expect(all.body.totalCount).toBe(100_000);
    const deep = await get(tenant, `/items?limit=500&offset=99000&sort=${sort}`);
    expect(deep.body.count).toBe(500);
    const byRef = await get(tenant, `/items?limit=2&q=${q("INTERNAL_REFERENCE gt 99998")}`);
    expect(byRef.body.items.map((i: any) => i.CODE)).toEqual(["ITM-099999", "ITM-100000"]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("the Logo simulator: stock, prices and faults", () => {
  const stockSql = (view: string, items = "LG_001_ITEMS", invenno = "-1") =>
    `select s.STOCKREF, i.CODE, sum(s.ONHAND) as ONHAND from ${view} s inner join ${items} i on i.LOGICALREF = s.STOCKREF where s.INVENNO = ${invenno} group by s.STOCKREF, i.CODE order by s.STOCKREF;`;

  it("answers the STINVTOT stock query of its firm and period, per warehouse or for all", async () => {
    const tenant = newLogoTenant("stock");
    await configureLogo(tenant, { items: 10, firmNo: 3, periodNo: 2 });
    const auth = (await token(tenant, { firmno: "3" })).body.access_token;
    const all = await get(tenant, `/queries?tsql=${q(stockSql("LV_003_02_STINVTOT", "LG_003_ITEMS"))}`, auth);
    expect(all.status).toBe(200);
    expect(all.body.items[4]).toEqual({ STOCKREF: 5, CODE: "ITM-000005", ONHAND: expect.any(Number) });
    const perWarehouse = await Promise.all(
      ["0", "1", "2"].map((w) =>
        get(tenant, `/queries?tsql=${q(stockSql("LV_003_02_STINVTOT", "LG_003_ITEMS", w))}`, auth),
      ),
    );
    const sum = perWarehouse.reduce((s, r) => s + r.body.items[4].ONHAND, 0);
    expect(all.body.items[4].ONHAND).toBeCloseTo(sum, 3);

    const otherPeriod = await get(tenant, `/queries?tsql=${q(stockSql("LV_003_01_STINVTOT", "LG_003_ITEMS"))}`, auth);
    expect(otherPeriod).toMatchObject({
      status: 400,
      body: { error_description: expect.stringContaining("LV_003_01") },
    });
    const other = await get(tenant, `/queries?tsql=${q("SELECT * FROM LG_003_CLCARD")}`, auth);
    expect(other).toMatchObject({
      status: 400,
      body: { error_description: expect.stringContaining("unsupported query") },
    });
  });

  it("lists sales prices by LOGICALREF with Logo currency numbers", async () => {
    const tenant = newLogoTenant("prices");
    await configureLogo(tenant, { items: 40 });
    const res = await get(tenant, "/salesItemPrices?limit=100");
    expect(res.body.items).toHaveLength(40);
    expect(res.body.items[24]).toEqual({
      LOGICALREF: 25,
      CODE: "STD",
      CARD_CODE: "ITM-000025",
      PRICE: expect.any(Number),
      CURRENCY: 1,
      VAT_INCL: 0,
      PTYPE: 2,
    });
    expect(res.body.items[39].CURRENCY).toBe(20);
  });

  it("answers 429 with Retry-After, then failStatus, as configured, and counts them down", async () => {
    const tenant = newLogoTenant("faults");
    const auth = (await token(tenant)).body.access_token;
    await configureLogo(tenant, { rateLimitNext: 1, retryAfterSeconds: 7, failNext: 1, failStatus: 503 });
    const failed = await get(tenant, "/items", auth);
    expect(failed).toMatchObject({ status: 503, body: { error: "server_error" } });
    const limited = await get(tenant, "/items", auth);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((await get(tenant, "/items", auth)).status).toBe(200);
    expect(await logoSim(tenant, "GET", "/config")).toMatchObject({ rateLimitNext: 0, failNext: 0 });
  });
});
