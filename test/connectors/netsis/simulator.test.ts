import { describe, expect, it } from "vitest";
import { configureNetsis, netsisEndpoint, netsisSlips, newTenant } from "../../helpers/netsis.ts";

// The Netsis simulator over HTTP, as any NetOpenX client sees it; each test has its own tenant.
const LOGIN = {
  grant_type: "password",
  branchcode: "0",
  username: "netsis",
  password: "netsis-pass",
  dbname: "TESTDB",
  dbuser: "sa",
  dbpassword: "sa-pass",
  dbtype: "0",
};

async function login(tenant: string, form: Record<string, string> = {}) {
  const res = await fetch(`${netsisEndpoint(tenant)}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...LOGIN, ...form }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function call(tenant: string, token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${netsisEndpoint(tenant)}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

async function tokenOf(tenant: string): Promise<string> {
  const { status, body } = await login(tenant);
  expect(status).toBe(200);
  return body.access_token;
}

const slip = (number: string, stockCode = "NT-000002") => ({
  FatUst: { Sube_Kodu: 0, CariKod: "120.01.001", Tarih: "2024-01-21", Tip: 7, FATIRS_NO: number, KDV_DAHILMI: false },
  Kalems: [{ StokKodu: stockCode, DEPO_KODU: 0, STra_GCMIK: 3, STra_BF: 10.5 }],
});

describe("Netsis simulator: /token", () => {
  it("issues a bearer token for the default user and refuses wrong database fields in Netsis' words", async () => {
    const tenant = newTenant("nsim-token");
    const ok = await login(tenant);
    expect(ok).toMatchObject({ status: 200, body: { token_type: "bearer", expires_in: 3600 } });
    expect(ok.body.access_token).toEqual(expect.any(String));

    for (const [field, value, words] of [
      ["dbpassword", "wrong", /Veritabanına bağlanılamadı/],
      ["dbname", "OTHERDB", /veritabanı bulunamadı: OTHERDB/],
      ["branchcode", "3", /Şube kodu geçersiz: 3/],
      ["dbtype", "1", /tipi uyumsuz/],
      ["password", "wrong", /şifresi hatalı/],
    ] as const) {
      const refused = await login(tenant, { [field]: value });
      expect(refused.status, field).toBe(400);
      expect(refused.body.error).toBe("invalid_grant");
      expect(refused.body.error_description).toMatch(words);
    }
    expect((await login(tenant, { grant_type: "client_credentials" })).body.error).toBe("unsupported_grant_type");
  });
});

describe("Netsis simulator: lists", () => {
  it("pages 100,000 generated items lazily, stably and with TotalCount", async () => {
    const tenant = newTenant("nsim-100k");
    await configureNetsis(tenant, { items: 100_000 });
    const token = await tokenOf(tenant);
    const last = await call(tenant, token, "/Items?limit=500&offset=99500&sort=Stok_Kodu");
    expect(last.body).toMatchObject({ IsSuccessful: true, ErrorDesc: null, TotalCount: 100_000 });
    expect(last.body.Data).toHaveLength(500);
    expect(last.body.Data[0].StokTemelBilgi.Stok_Kodu).toBe("NT-099501");
    expect(last.body.Data[499].StokTemelBilgi.Stok_Kodu).toBe("NT-100000");
    const again = await call(tenant, token, "/Items?limit=500&offset=99500&sort=Stok_Kodu");
    expect(again.body.Data).toEqual(last.body.Data);
    const beyond = await call(tenant, token, "/Items?limit=500&offset=100000");
    expect(beyond.body).toMatchObject({ IsSuccessful: true, Data: [], TotalCount: 100_000 });
    const desc = await call(tenant, token, "/Items?limit=1&sort=Stok_Kodu%20desc&fields=Stok_Kodu,Barkod1");
    expect(Object.keys(desc.body.Data[0].StokTemelBilgi)).toEqual(["Stok_Kodu"]);
    expect(desc.body.Data[0].StokTemelBilgi.Stok_Kodu).toBe("NT-100000");
  });

  it("answers business errors with HTTP 200 and IsSuccessful false", async () => {
    const tenant = newTenant("nsim-business");
    const token = await tokenOf(tenant);
    const badSort = await call(tenant, token, "/Items?sort=Fiyat");
    expect(badSort).toMatchObject({ status: 200, body: { IsSuccessful: false, Data: null } });
    expect(badSort.body.ErrorDesc).toMatch(/sıralama/);
    const badDepot = await call(tenant, token, "/ItemStocks?depoKodu=7");
    expect(badDepot.body).toMatchObject({ IsSuccessful: false, ErrorDesc: "Depo kodu tanımlı değil: 7" });
  });

  it("sums every depot without depoKodu and gives one depot's balance with it", async () => {
    const tenant = newTenant("nsim-stock");
    const token = await tokenOf(tenant);
    const all = (await call(tenant, token, "/ItemStocks?limit=5")).body.Data;
    const depot0 = (await call(tenant, token, "/ItemStocks?limit=5&depoKodu=0")).body.Data;
    const depot1 = (await call(tenant, token, "/ItemStocks?limit=5&depoKodu=1")).body.Data;
    expect(all[4]).toMatchObject({ StokKodu: "NT-000005", DepoKodu: null });
    expect(depot0[4].DepoKodu).toBe(0);
    for (let k = 0; k < 5; k++) expect(all[k].Bakiye).toBeCloseTo(depot0[k].Bakiye + depot1[k].Bakiye, 3);
    expect(Number.isInteger(all[4].Bakiye)).toBe(false); // item 5 is sold by the kilo
  });

  it("answers 401 for a missing or expired token and 403 for a missing permission", async () => {
    const tenant = newTenant("nsim-perm");
    await configureNetsis(tenant, { users: [{ username: "depo", password: "p", permissions: ["items"] }] });
    const { body } = await login(tenant, { username: "DEPO", password: "p" });
    const none = await call(tenant, "nope", "/Items");
    expect(none).toMatchObject({ status: 401, body: { Message: "Authorization has been denied for this request." } });
    expect((await call(tenant, body.access_token, "/Items")).status).toBe(200);
    const denied = await call(tenant, body.access_token, "/ItemPrices");
    expect(denied).toMatchObject({ status: 403, body: { IsSuccessful: false } });
    expect(denied.body.ErrorDesc).toMatch(/'depo' kullanıcısının fiyatları okuma yetkisi yok/);
    await fetch(`https://sims.test/netsis/${tenant}/__sim/expire-tokens`, { method: "POST" });
    expect((await call(tenant, body.access_token, "/Items")).status).toBe(401);
  });

  it("injects failNext, rateLimitNext with Retry-After and malformed rows", async () => {
    const tenant = newTenant("nsim-faults");
    await configureNetsis(tenant, {
      failNext: 1,
      failStatus: 503,
      rateLimitNext: 1,
      retryAfterSeconds: 7,
      malformedEvery: 3,
    });
    const token = await tokenOf(tenant);
    expect((await call(tenant, token, "/Items")).status).toBe(503);
    const limited = await call(tenant, token, "/Items");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    const rows = (await call(tenant, token, "/Items?limit=6")).body.Data;
    expect(rows[2].StokTemelBilgi.Stok_Kodu).toBeUndefined();
    expect(rows[5].StokTemelBilgi.KDV_Orani).toBe("yüzde on");
    const configUrl = `https://sims.test/netsis/${tenant}/__sim/config`;
    expect(await (await fetch(configUrl)).json()).toMatchObject({ failNext: 0, rateLimitNext: 0, malformedEvery: 3 });
    expect((await fetch(`https://sims.test/netsis/${tenant}/__sim`, { method: "DELETE" })).status).toBe(204);
    expect(await (await fetch(configUrl)).json()).toEqual(expect.not.objectContaining({ malformedEvery: 3 }));
    expect((await call(tenant, token, "/Items")).status).toBe(401); // a forgotten ERP forgot its tokens too
  });
});

describe("Netsis simulator: item slips", () => {
  it("stores a second slip with the same number, finds slips by number, rejects unknown stock codes", async () => {
    const tenant = newTenant("nsim-slips");
    const token = await tokenOf(tenant);
    const post = (body: unknown, query = "") =>
      call(tenant, token, `/ItemSlips${query}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post(slip("S-1"))).body).toMatchObject({ IsSuccessful: true, Data: { FATIRS_NO: "S-1" } });
    expect((await post(slip("S-1"))).body.IsSuccessful).toBe(true);
    const unknown = await post(slip("S-2", "NOPE-1"));
    expect(unknown.body).toMatchObject({ IsSuccessful: false, ErrorDesc: "Stok kodu bulunamadı: NOPE-1 (kalem 1)" });
    expect((await post({ ...slip("S-3"), Kalems: [] }, "?validateOnly=true")).body).toMatchObject({
      IsSuccessful: true,
      Data: { FATIRS_NO: "S-3", Dogrulandi: true },
    });
    const found = await call(tenant, token, "/ItemSlips?fatirsNo=S-1");
    expect(found.body).toMatchObject({ IsSuccessful: true, TotalCount: 2 });
    expect((await call(tenant, token, "/ItemSlips?fatirsNo=S-3")).body).toMatchObject({ Data: [], TotalCount: 0 });
    expect((await netsisSlips(tenant)).slips.map((s) => s.FATIRS_NO)).toEqual(["S-1", "S-1"]);
  });
});
