import { describe, expect, it } from "vitest";
import {
  configureNetsis,
  netsisCall,
  netsisControl,
  netsisEndpoint,
  netsisItem,
  netsisToken,
  newTenant,
} from "../../../helpers/netsis.ts";

async function items(tenant: string, token: string, query: string) {
  const res = await netsisCall(tenant, token, `/Items?${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

const codes = (body: { Data: { StokTemelBilgi: { Stok_Kodu: string } }[] }) =>
  body.Data.map((d) => d.StokTemelBilgi.Stok_Kodu);

describe("Netsis simulator: GET /Items", () => {
  it("answers N1's TSelectData with Meta, First, Next and Previous as { Href, MediaType, ApiVersion }", async () => {
    const tenant = newTenant("nsi-envelope");
    const token = await netsisToken(tenant);
    const body = await items(tenant, token, "limit=2&offset=2");
    expect(body).toMatchObject({
      IsSuccessful: true,
      ErrorCode: null,
      ErrorDesc: null,
      Message: null,
      Offset: 2,
      Limit: 2,
      TotalCount: 50,
      Meta: {
        Href: `${netsisEndpoint(tenant)}/Items?limit=2&offset=2`,
        MediaType: "application/json",
        ApiVersion: "v2",
      },
    });
    expect(codes(body)).toEqual(["NT-000003", "NT-000004"]);
    expect(body.First.Href).toBe(`${netsisEndpoint(tenant)}/Items?limit=2&offset=0`);
    expect(body.Next.Href).toBe(`${netsisEndpoint(tenant)}/Items?limit=2&offset=4`);
    expect(body.Previous).toMatchObject({ Href: `${netsisEndpoint(tenant)}/Items?limit=2&offset=0`, ApiVersion: "v2" });
    const first = await items(tenant, token, "limit=10&sort=Stok_Kodu%20ASC");
    expect(first.Previous).toBeNull();
    expect(first.Next.Href).toContain("sort=Stok_Kodu+ASC");
    expect((await items(tenant, token, "limit=10&offset=40")).Next).toBeNull();
  });

  it("serves defaultLimit rows without a limit and clamps a bigger limit to maxLimit", async () => {
    const tenant = newTenant("nsi-limits");
    await configureNetsis(tenant, { items: 3000 });
    const token = await netsisToken(tenant);
    expect((await items(tenant, token, "")).Data).toHaveLength(50);
    const clamped = await items(tenant, token, "limit=5000");
    expect(clamped.Data).toHaveLength(1000);
    expect(clamped.Limit).toBe(1000);
    await configureNetsis(tenant, { items: 3000, defaultLimit: 20, maxLimit: 100 });
    expect((await items(tenant, token, "")).Data).toHaveLength(20);
    expect((await items(tenant, token, "limit=5000")).Data).toHaveLength(100);
    expect((await netsisCall(tenant, token, "/Items?limit=abc")).body).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "ValidationError",
    });
  });

  it("pages 100,000 generated items lazily and the same way every time", async () => {
    const tenant = newTenant("nsi-100k");
    await configureNetsis(tenant, { items: 100_000 });
    const token = await netsisToken(tenant);
    const last = await items(tenant, token, "limit=500&offset=99500");
    expect(last.TotalCount).toBe(100_000);
    expect(codes(last)[0]).toBe("NT-099501");
    expect(codes(last)[499]).toBe("NT-100000");
    expect((await items(tenant, token, "limit=500&offset=99500")).Data).toEqual(last.Data);
    expect(await items(tenant, token, "limit=500&offset=100000")).toMatchObject({ Data: [], TotalCount: 100_000 });
    expect(codes(await items(tenant, token, "limit=1&sort=stok_kodu%20desc"))).toEqual(["NT-100000"]);
  });

  it("puts barcodes and prices in StokTemelBilgi and dates, user fields and no barcode in StokEkBilgi", async () => {
    const tenant = newTenant("nsi-shape");
    await configureNetsis(tenant, { items: 200 });
    const token = await netsisToken(tenant);
    const rows = (await items(tenant, token, "limit=200")).Data as { StokTemelBilgi: any; StokEkBilgi: any }[];
    const temel = rows.map((r) => r.StokTemelBilgi);
    const ek = rows.map((r) => r.StokEkBilgi);
    expect(Object.keys(ek[0]).some((k) => /barkod/i.test(k))).toBe(false);
    expect(ek[0]).toMatchObject({ Stok_Kodu: "NT-000001", Kull1N: expect.any(Number), Kull8S: null });
    for (const e of ek) expect(e.KayitTarihi).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(ek.some((e) => e.DuzeltmeTarihi === null)).toBe(true);
    expect(ek.some((e) => typeof e.DuzeltmeTarihi === "string" && e.DuzeltmeTarihi > e.KayitTarihi)).toBe(true);
    for (const field of ["Stok_Adi", "Grup_Kodu", "Kod_1", "Kod_5", "Olcu_Br1", "Olcu_Br3", "KDV_Orani", "DEPO_KODU"]) {
      expect(temel[0], field).toHaveProperty(field);
    }
    expect(temel.some((t) => t.Barkod1 === null)).toBe(true);
    expect(temel.some((t) => /^869\d{10}$/.test(t.Barkod2 ?? ""))).toBe(true);
    expect(temel.filter((t) => t.Barkod2 !== null).every((t) => t.Barkod1 !== null)).toBe(true);
    expect(temel.filter((t) => t.Olcu_Br1 === "KG")).toHaveLength(40);
    expect(temel.every((t) => t.Satis_Fiat1 > 0)).toBe(true);
    for (const f of ["Satis_Fiat2", "Satis_Fiat3", "Satis_Fiat4"]) {
      expect(temel.some((t) => t[f] === 0) && temel.some((t) => t[f] > 0), f).toBe(true);
    }
    expect(new Set(temel.map((t) => t.Sat_Dov_Tip))).toEqual(new Set([0, 1, 2]));
    expect(temel.filter((t) => t.Sat_Dov_Tip === 0).length).toBeGreaterThan(180);
    expect(temel.every((t) => ["E", "H"].includes(t.Kilit) && ["E", "H"].includes(t.SatisKilit))).toBe(true);
    expect(temel.find((t) => t.Stok_Kodu === "NT-000097").Kilit).toBe("E");
    expect(temel.find((t) => t.Stok_Kodu === "NT-000089").SatisKilit).toBe("E");
    expect(temel.some((t) => /[ŞşİıĞğÜüÖöÇç]/.test(t.Stok_Adi))).toBe(true);
  });

  it("sorts by any column ascending or descending, ties in code order", async () => {
    const tenant = newTenant("nsi-sort");
    await configureNetsis(tenant, { items: 300 });
    const token = await netsisToken(tenant);
    const byPrice = (await items(tenant, token, "limit=300&sort=Satis_Fiat1%20DESC")).Data.map(
      (d: any) => d.StokTemelBilgi.Satis_Fiat1,
    );
    expect(byPrice).toEqual([...byPrice].sort((a, b) => b - a));
    const byName = (await items(tenant, token, "limit=300&sort=stok_adi")).Data.map(
      (d: any) => d.StokTemelBilgi.Stok_Adi,
    );
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b, "tr", { sensitivity: "accent" })));
    const grouped = (await items(tenant, token, "limit=300&sort=Grup_Kodu%20ASC,Stok_Kodu%20DESC")).Data.map(
      (d: any) => d.StokTemelBilgi,
    );
    const gida = grouped.filter((t: any) => t.Grup_Kodu === "GIDA").map((t: any) => t.Stok_Kodu);
    expect(gida).toEqual([...gida].sort().reverse());
    const byEdit = (await items(tenant, token, "limit=5&sort=DuzeltmeTarihi")).Data;
    expect(byEdit.every((d: any) => d.StokEkBilgi.DuzeltmeTarihi === null)).toBe(true);
    expect(await items(tenant, token, "sort=Fiyat")).toMatchObject({
      IsSuccessful: false,
      ErrorDesc: "Invalid column name 'Fiyat'.",
      Data: null,
    });
  });

  it("filters with q as a SQL WHERE clause and counts what matches", async () => {
    const tenant = newTenant("nsi-q");
    await configureNetsis(tenant, { items: 400 });
    const token = await netsisToken(tenant);
    const all = (await items(tenant, token, "limit=400")).Data as { StokTemelBilgi: any; StokEkBilgi: any }[];
    const q = async (where: string) => items(tenant, token, `limit=400&q=${encodeURIComponent(where)}`);
    expect(codes(await q("Stok_Kodu = 'NT-000007'"))).toEqual(["NT-000007"]);
    const expensiveKg = await q("Satis_Fiat1 > 2500 and olcu_br1 = 'kg'");
    const expected = all.filter((d) => d.StokTemelBilgi.Satis_Fiat1 > 2500 && d.StokTemelBilgi.Olcu_Br1 === "KG");
    expect(expensiveKg.TotalCount).toBe(expected.length);
    expect(expensiveKg.TotalCount).toBeGreaterThan(0);
    expect((await q("Barkod1 IS NULL")).TotalCount).toBe(50);
    expect((await q("Stok_Kodu LIKE 'NT-00001%' OR Stok_Kodu IN ('NT-000300', 'NT-000301')")).TotalCount).toBe(12);
    expect((await q("DuzeltmeTarihi IS NULL AND NOT (Sat_Dov_Tip = 0)")).TotalCount).toBe(
      all.filter((d) => d.StokEkBilgi.DuzeltmeTarihi === null && d.StokTemelBilgi.Sat_Dov_Tip !== 0).length,
    );
    const page = await items(tenant, token, `limit=5&offset=5&q=${encodeURIComponent("Olcu_Br1 = 'KG'")}`);
    expect(codes(page)).toEqual(["NT-000030", "NT-000035", "NT-000040", "NT-000045", "NT-000050"]);
    expect(page.TotalCount).toBe(80);
    expect(await q("Fiyat > 1")).toMatchObject({ IsSuccessful: false, ErrorDesc: "Invalid column name 'Fiyat'." });
    expect((await q("Stok_Kodu = ")).ErrorDesc).toMatch(/^Incorrect syntax near/);
  });

  it("keeps only the fields asked for, inside each half", async () => {
    const tenant = newTenant("nsi-fields");
    const token = await netsisToken(tenant);
    const body = await items(tenant, token, "limit=1&fields=stok_kodu,Barkod1,Tur&expand=StokEkBilgi");
    expect(body.Data[0]).toEqual({
      StokTemelBilgi: { Stok_Kodu: "NT-000001", Barkod1: expect.any(String) },
      StokEkBilgi: { Stok_Kodu: "NT-000001", Tur: "T" },
    });
    expect((await items(tenant, token, "limit=1&fields=Kull1S")).Data[0]).toEqual({
      StokEkBilgi: { Kull1S: expect.any(String) },
    });
    expect((await items(tenant, token, "fields=Bakiye")).ErrorDesc).toBe("Invalid column name 'Bakiye'.");
  });

  it("serves StokTemelBilgi alone at /Items/PrimInfo/ and one item at /Items/{Stok_Kodu}/", async () => {
    const tenant = newTenant("nsi-prim");
    const token = await netsisToken(tenant);
    const full = await items(tenant, token, "limit=3");
    const prim = (await netsisCall(tenant, token, "/Items/PrimInfo/?limit=3")).body;
    expect(prim).toMatchObject({ IsSuccessful: true, TotalCount: 50 });
    expect(prim.Data).toEqual(full.Data.map((d: any) => d.StokTemelBilgi));
    const primSorted = (
      await netsisCall(tenant, token, "/Items/PrimInfo?limit=1&sort=Stok_Kodu%20DESC&fields=Stok_Kodu")
    ).body;
    expect(primSorted.Data).toEqual([{ Stok_Kodu: "NT-000050" }]);
    expect((await netsisCall(tenant, token, "/Items/PrimInfo?fields=Tur")).body.IsSuccessful).toBe(false);

    const one = (await netsisCall(tenant, token, "/Items/NT-000002/")).body;
    expect(one).toEqual({ IsSuccessful: true, ErrorCode: null, ErrorDesc: null, Message: null, Data: full.Data[1] });
    // Codes compare without case or trailing spaces, as the company database compares them.
    expect((await netsisCall(tenant, token, "/Items/nt-000002%20")).body.Data).toEqual(full.Data[1]);
    expect((await netsisCall(tenant, token, "/Items/NT-000099")).body).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "NotFound",
      ErrorDesc: "Stok kartı bulunamadı: NT-000099",
    });
  });

  it("drops deleted items everywhere and shows locks set through the controls", async () => {
    const tenant = newTenant("nsi-delete");
    const token = await netsisToken(tenant);
    const deleted = await netsisControl(tenant, "/delete", { codes: ["NT-000003", "NT-000001", "NOPE"] });
    expect(deleted.body).toEqual({ deleted: 2, unknown: ["NOPE"] });
    const page = await items(tenant, token, "limit=2&offset=1");
    expect(codes(page)).toEqual(["NT-000004", "NT-000005"]);
    expect(page.TotalCount).toBe(48);
    expect(codes(await items(tenant, token, "limit=1"))).toEqual(["NT-000002"]);
    expect((await items(tenant, token, "limit=1&q=Stok_Kodu%20%3D%20'NT-000003'")).TotalCount).toBe(0);
    expect((await netsisCall(tenant, token, "/Items/NT-000003")).body.ErrorCode).toBe("NotFound");
    expect((await netsisItem(tenant, "NT-000003")).deleted).toBe(true);

    const locked = await netsisControl(tenant, "/lock", { codes: ["NT-000004"], field: "SatisKilit" });
    expect(locked.body).toMatchObject({ locked: 1, field: "SatisKilit", value: "E" });
    await netsisControl(tenant, "/lock", { codes: ["NT-000005"] });
    const after = (await items(tenant, token, "limit=2&offset=1")).Data.map((d: any) => d.StokTemelBilgi);
    expect(after.map((t: any) => [t.Kilit, t.SatisKilit])).toEqual([
      ["H", "E"],
      ["E", "H"],
    ]);
    await netsisControl(tenant, "/lock", { codes: ["NT-000005"], value: "H" });
    expect((await netsisItem(tenant, "NT-000005")).StokTemelBilgi.Kilit).toBe("H");
    expect((await netsisControl(tenant, "/lock", { codes: ["NT-000005"], field: "Locked" })).status).toBe(400);
  });

  it("needs the items right, and shows prices only with the prices right", async () => {
    const tenant = newTenant("nsi-rights");
    await configureNetsis(tenant, {
      users: [
        { username: "depo", password: "p", permissions: ["items"] },
        { username: "satis", password: "p", permissions: ["items", "prices"] },
        { username: "muhasebe", password: "p", permissions: ["orders"] },
      ],
    });
    const depo = await netsisToken(tenant, { username: "depo", password: "p" });
    const satis = await netsisToken(tenant, { username: "satis", password: "p" });
    const muhasebe = await netsisToken(tenant, { username: "muhasebe", password: "p" });
    const blind = (await items(tenant, depo, "limit=1")).Data[0].StokTemelBilgi;
    expect([blind.Satis_Fiat1, blind.Alis_Fiat1, blind.Dov_Satis_Fiat]).toEqual([null, null, null]);
    expect((await items(tenant, satis, "limit=1")).Data[0].StokTemelBilgi.Satis_Fiat1).toEqual(expect.any(Number));
    const denied = await netsisCall(tenant, muhasebe, "/Items");
    expect(denied).toMatchObject({
      status: 200,
      body: { IsSuccessful: false, ErrorCode: "PermissionDenied", Data: null },
    });
    expect(denied.body.ErrorDesc).toMatch(/'muhasebe' kullanıcısının stok kartlarını okuma yetkisi yok/);
  });

  it("breaks every K-th item with malformedEvery", async () => {
    const tenant = newTenant("nsi-malformed");
    await configureNetsis(tenant, { malformedEvery: 3 });
    const token = await netsisToken(tenant);
    const rows = (await items(tenant, token, "limit=6")).Data;
    expect(rows[2].StokTemelBilgi.Stok_Kodu).toBeUndefined();
    expect(rows[5].StokTemelBilgi.KDV_Orani).toBe("yüzde on");
    expect((await netsisCall(tenant, token, "/Items/NT-000003")).body.IsSuccessful).toBe(false);
  });
});
