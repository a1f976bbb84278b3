import { describe, expect, it } from "vitest";
import {
  configureNetsis,
  netsisCall,
  netsisControl,
  netsisItem,
  netsisSession,
  netsisSlip,
  netsisSlips,
  netsisToken,
  newTenant,
} from "../../../helpers/netsis.ts";

async function session(label: string, config?: Record<string, unknown>) {
  const { tenant, token } = await netsisSession(label, config);
  const post = async (body: unknown, path = "/ItemSlips") => (await netsisCall(tenant, token, path, { body })).body;
  const get = async (path: string) => (await netsisCall(tenant, token, path)).body;
  return { tenant, token, post, get };
}

// The sales order N3 sends: strings where the models have numbers, N3's extra members.
const n3Order = (number: string) => ({
  Seri: "0",
  FaturaTip: 7,
  KayitliNumaraOtomatikGuncellensin: false,
  RiskKontrol: true,
  FatUst: {
    Sube_Kodu: "0",
    FATIRS_NO: number,
    CariKod: "120.01.001",
    CARI_KOD2: "",
    Tarih: "2024-01-21 10:30:00",
    Tip: 7,
    TIPI: 7,
    ENTEGRE_TRH: "2024-01-21 10:30:00",
    KDV_DAHILMI: false,
    SIPARIS_TEST: "2024-01-25 00:00:00",
    D_YEDEK10: "2024-01-25 00:00:00",
    EKACK1: "shipment-1",
  },
  Kalems: [
    {
      StokKodu: "NT-000002",
      DEPO_KODU: "1",
      STra_GCMIK: 2,
      STra_BF: 100,
      STra_KDV: 20,
      STra_testar: "2024-01-25 00:00:00",
    },
    { StokKodu: "NT-000005", DEPO_KODU: "2", STra_GCMIK: 1.5, STra_BF: 80, STra_KDV: 10 },
  ],
});

describe("Netsis simulator: POST /ItemSlips", () => {
  it("stores N3's sales order as Json.NET binds it and answers the stored slip with its totals", async () => {
    const { tenant, post } = await session("nss-n3");
    const answer = await post(n3Order("000000000SO1001"));
    expect(answer).toMatchObject({ IsSuccessful: true, ErrorCode: null, ErrorDesc: null });
    const slip = answer.Data;
    expect(slip).toMatchObject({ FaturaTip: 7, Seri: "0", RiskKontrol: true, KalemAdedi: 2 });
    expect(slip.FatUst).toMatchObject({
      Sube_Kodu: 0,
      FATIRS_NO: "000000000SO1001",
      CariKod: "120.01.001",
      Tarih: "2024-01-21T10:30:00",
      SIPARIS_TEST: "2024-01-25T00:00:00",
      Tip: 7,
      TIPI: 7,
      EKACK1: "shipment-1",
      BRUTTUTAR: 320,
      KDV: 52,
      GENELTOPLAM: 372,
    });
    // D_YEDEK10 is not a member of N1's ItemSlipsHeader: Json.NET drops it.
    expect(slip.FatUst).not.toHaveProperty("D_YEDEK10");
    expect(slip.Kalems[0]).toMatchObject({
      StokKodu: "NT-000002",
      DEPO_KODU: 1,
      Sira: 1,
      STra_FATIRSNO: "000000000SO1001",
      STra_CARI_KOD: "120.01.001",
      STra_GC: "C",
      STra_NF: 100,
      STra_TAR: "2024-01-21T10:30:00",
      STra_testar: "2024-01-25T00:00:00",
    });
    expect(slip.Kalems[1]).toMatchObject({ DEPO_KODU: 2, STra_GCMIK: 1.5, Sira: 2 });
    const stored = await netsisSlips(tenant);
    expect(stored.count).toBe(1);
    expect(stored.slips[0]).toMatchObject({ FATIRS_NO: "000000000SO1001", FatUst: slip.FatUst, Kalems: slip.Kalems });
  });

  it("takes N2's slip: only FatUst.Tip, member names in any case, the Turkish culture's date, the card's depot and VAT", async () => {
    const { post } = await session("nss-n2");
    const answer = await post({
      fatust: {
        sube_kodu: 0,
        carikod: "120.01.002",
        fatirs_no: "N2-1",
        tarih: "21.01.2024 14:30:00",
        tip: "ftSSip",
        TIPI: 2,
        kdv_dahilmi: "true",
      },
      kalems: [{ stokkodu: "nt-000020 ", stra_gcmik: "3", stra_bf: "12.5" }],
    });
    expect(answer.IsSuccessful, answer.ErrorDesc).toBe(true);
    expect(answer.Data.FaturaTip).toBe(7);
    expect(answer.Data.FatUst).toMatchObject({
      FATIRS_NO: "N2-1",
      Tarih: "2024-01-21T14:30:00",
      KDV_DAHILMI: true,
      TIPI: 2,
    });
    // NT-000020 lives in the second depot and carries 10 % VAT on its card.
    expect(answer.Data.Kalems[0]).toMatchObject({
      StokKodu: "NT-000020",
      STra_GCMIK: 3,
      STra_BF: 12.5,
      DEPO_KODU: 2,
      STra_KDV: 10,
    });
    expect(answer.Data.FatUst).toMatchObject({ BRUTTUTAR: 34.09, KDV: 3.41, GENELTOPLAM: 37.5 });
  });

  it("reads dates with a zone in Turkish time and refuses ones that are not dates", async () => {
    const { post } = await session("nss-dates");
    const zoned = await post(netsisSlip("D-1", undefined, { Tarih: "2024-01-20T22:30:00Z" }));
    expect(zoned.Data.FatUst.Tarih).toBe("2024-01-21T01:30:00");
    const offset = await post(netsisSlip("D-2", undefined, { Tarih: "2024-01-20T22:30:00+01:00" }));
    expect(offset.Data.FatUst.Tarih).toBe("2024-01-21T00:30:00");
    const bad = await post(netsisSlip("D-3", undefined, { Tarih: "2024-02-30" }));
    expect(bad).toMatchObject({ IsSuccessful: false, ErrorCode: "ValidationError" });
    expect(bad.ErrorDesc).toMatch(/FatUst\.Tarih = "2024-02-30" geçersiz/);
    const missing = await post(netsisSlip("D-4", undefined, { Tarih: undefined }));
    expect(missing.Data.FatUst.Tarih).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it("holds at most 15 characters in FATIRS_NO", async () => {
    const { tenant, post } = await session("nss-15");
    expect((await post(netsisSlip("123456789012345"))).IsSuccessful).toBe(true);
    const long = await post(netsisSlip("SO-2024-0000001X"));
    expect(long).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "ValidationError",
      ErrorDesc: "Belge numarası en fazla 15 karakter olabilir: 'SO-2024-0000001X' (16)",
      Data: null,
    });
    expect((await netsisSlips(tenant)).count).toBe(1);
  });

  it("refuses what Netsis would refuse, in Turkish, storing nothing", async () => {
    const { tenant, post } = await session("nss-refuse");
    await netsisControl(tenant, "/delete", { codes: ["NT-000004"] });
    const slip = netsisSlip("R-1");
    const cases: [unknown, RegExp][] = [
      [netsisSlip("R-1", [["NOPE-1", 1, 1]]), /^Stok kodu bulunamadı: NOPE-1 \(kalem 1\)$/],
      [
        netsisSlip("R-1", [
          ["NT-000002", 1, 1],
          ["NT-000004", 1, 1],
        ]),
        /^Stok kodu bulunamadı: NT-000004 \(kalem 2\)$/,
      ],
      [{ ...slip, Kalems: [{ ...slip.Kalems[0], DEPO_KODU: 3 }] }, /^Depo kodu tanımlı değil: 3 \(kalem 1\)$/],
      [{ ...slip, Kalems: [{ ...slip.Kalems[0], DEPO_KODU: "merkez" }] }, /Kalems\[0\]\.DEPO_KODU = "merkez" geçersiz/],
      [{ ...slip, Kalems: [{ ...slip.Kalems[0], STra_GCMIK: 0 }] }, /^Miktar \(STra_GCMIK\) sıfırdan büyük olmalı/],
      [netsisSlip("R-1", undefined, { CariKod: "  " }), /^Cari kodu \(CariKod\) boş olamaz$/],
      [netsisSlip("R-1", undefined, { Sube_Kodu: 5 }), /^Şube kodu geçersiz: 5$/],
      [netsisSlip("", undefined), /^Belge numarası \(FATIRS_NO\) boş olamaz$/],
      [{ ...slip, Kalems: [] }, /^Fişte en az bir kalem olmalı/],
      [{ Kalems: slip.Kalems }, /^FatUst \(fiş başlığı\) eksik$/],
      [{ ...slip, FaturaTip: "ftXYZ" }, /^Geçersiz belge tipi: ftXYZ$/],
      [{ ...slip, FaturaTip: 0 }, /^FaturaTip \(0\) ile FatUst.Tip \(7\) uyuşmuyor$/],
      [{ ...slip, FaturaTip: undefined, FatUst: { ...slip.FatUst, Tip: undefined } }, /^Belge tipi belirtilmedi/],
      ["{not json", /^İstek gövdesi geçerli bir JSON değil$/],
    ];
    for (const [body, words] of cases) {
      const answer = await post(body);
      expect(answer.IsSuccessful, JSON.stringify(body)).toBe(false);
      expect(answer.ErrorCode).toBe("ValidationError");
      expect(answer.ErrorDesc).toMatch(words);
    }
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("refuses locked items (Kilit always, SatisKilit on sales documents) unless lockedItems is accept", async () => {
    const { tenant, post } = await session("nss-locks", { items: 100 });
    const locked = await post(netsisSlip("L-1", [["NT-000097", 1, 1]]));
    expect(locked.ErrorDesc).toBe("Stok kartı kilitli: NT-000097 (kalem 1)");
    const salesLocked = await post(netsisSlip("L-2", [["NT-000089", 1, 1]]));
    expect(salesLocked.ErrorDesc).toBe("Stok kartı satışa kilitli: NT-000089 (kalem 1)");
    const purchase = await post(netsisSlip("L-3", [["NT-000089", 1, 1]], { Tip: 6 }));
    expect(purchase.IsSuccessful).toBe(false); // FaturaTip 7 vs Tip 6
    const order = netsisSlip("L-3", [["NT-000089", 1, 1]], { Tip: 6 });
    expect((await post({ ...order, FaturaTip: 6 })).Data.Kalems[0].STra_GC).toBe("G");
    await netsisControl(tenant, "/lock", { codes: ["NT-000002"] });
    expect((await post(netsisSlip("L-4"))).ErrorDesc).toBe("Stok kartı kilitli: NT-000002 (kalem 1)");

    await configureNetsis(tenant, { items: 100, lockedItems: "accept" });
    expect(
      (
        await post(
          netsisSlip("L-5", [
            ["NT-000097", 1, 1],
            ["NT-000089", 1, 1],
          ]),
        )
      ).IsSuccessful,
    ).toBe(true);
    expect((await netsisSlips(tenant)).slips.map((s) => s.FATIRS_NO)).toEqual(["L-3", "L-5"]);
  });

  it('stores a second slip with the same type, number and customer by default, and refuses it with duplicateSlip "refuse"', async () => {
    const stored = await session("nss-dup-store");
    expect((await stored.post(netsisSlip("S-1"))).IsSuccessful).toBe(true);
    expect((await stored.post(netsisSlip("S-1"))).IsSuccessful).toBe(true);
    expect((await netsisSlips(stored.tenant)).count).toBe(2);

    const refused = await session("nss-dup-refuse", { duplicateSlip: "refuse" });
    expect((await refused.post(netsisSlip("S-1"))).IsSuccessful).toBe(true);
    expect(await refused.post(netsisSlip("S-1"))).toMatchObject({
      IsSuccessful: false,
      ErrorCode: "Duplicate",
      ErrorDesc: "Bu belge numarası daha önce kullanılmış: ftSSip;S-1;120.01.001",
    });
    expect((await refused.post(netsisSlip("S-1", undefined, { CariKod: "120.01.002" }))).IsSuccessful).toBe(true);
    expect((await refused.post({ ...netsisSlip("S-1", undefined, { Tip: 0 }), FaturaTip: 0 })).IsSuccessful).toBe(true);
    expect((await netsisSlips(refused.tenant)).count).toBe(3);
  });

  it("knows the depots the configuration names (N2 writes to depot 0)", async () => {
    const { tenant, post } = await session("nss-depots", { depots: [0, 5] });
    const answer = await post({
      ...netsisSlip("D-1"),
      Kalems: [{ StokKodu: "NT-000001", DEPO_KODU: "0", STra_GCMIK: 1 }],
    });
    expect(answer.Data.Kalems[0]).toMatchObject({ DEPO_KODU: 0, STra_BF: 0 });
    expect((await post(netsisSlip("D-2"))).ErrorDesc).toBe("Depo kodu tanımlı değil: 1 (kalem 1)");
    expect(Object.keys((await netsisItem(tenant, "NT-000001")).stock.byDepot)).toEqual(["0", "5"]);
    expect((await netsisItem(tenant, "NT-000010")).StokTemelBilgi.DEPO_KODU).toBe(5);
  });

  it("needs the orders right", async () => {
    const tenant = newTenant("nss-right");
    await configureNetsis(tenant, { users: [{ username: "okur", password: "p", permissions: ["items"] }] });
    const token = await netsisToken(tenant, { username: "okur", password: "p" });
    const answer = await netsisCall(tenant, token, "/ItemSlips", { body: netsisSlip("S-1") });
    expect(answer).toMatchObject({ status: 200, body: { IsSuccessful: false, ErrorCode: "PermissionDenied" } });
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("computes totals at /ItemSlips/Calculate/ and stores nothing", async () => {
    const { tenant, post } = await session("nss-calc");
    const net = await post(netsisSlip("C-1", [["NT-000003", 2, 100]]), "/ItemSlips/Calculate/");
    expect(net).toMatchObject({ IsSuccessful: true, Data: { FatUst: { BRUTTUTAR: 200, KDV: 40, GENELTOPLAM: 240 } } });
    const gross = await post(netsisSlip("C-1", [["NT-000003", 2, 100]], { KDV_DAHILMI: true }), "/itemslips/calculate");
    expect(gross.Data.FatUst).toMatchObject({ BRUTTUTAR: 166.67, KDV: 33.33, GENELTOPLAM: 200 });
    const discounted = await post(
      { ...netsisSlip("C-2"), Kalems: [{ StokKodu: "NT-000003", STra_GCMIK: 1, STra_BF: 100, STra_NF: 90 }] },
      "/ItemSlips/Calculate",
    );
    expect(discounted.Data.FatUst).toMatchObject({ BRUTTUTAR: 100, SAT_ISKT: 10, KDV: 18, GENELTOPLAM: 108 });
    expect((await post(netsisSlip("C-3", [["NOPE", 1, 1]]), "/ItemSlips/Calculate")).IsSuccessful).toBe(false);
    expect((await netsisSlips(tenant)).count).toBe(0);
  });

  it("moves stock: invoices change the balance, orders count as open orders only", async () => {
    const { tenant, post } = await session("nss-stock");
    const before = (await netsisItem(tenant, "NT-000002")).stock;
    await post(netsisSlip("O-1", [["NT-000002", 4, 1]]));
    expect((await netsisItem(tenant, "NT-000002")).stock).toEqual(before);
    await post({ ...netsisSlip("F-1", [["NT-000002", 4, 1]], { Tip: 0 }), FaturaTip: 0 });
    await post({ ...netsisSlip("A-1", [["NT-000002", 1, 1]], { Tip: "ftAFat" }), FaturaTip: "ftAFat" });
    const after = (await netsisItem(tenant, "NT-000002")).stock;
    expect(after.byDepot["1"]).toBeCloseTo((before.byDepot["1"] as number) - 3, 3);
    expect(after.total).toBeCloseTo(before.total - 3, 3);
  });
});
