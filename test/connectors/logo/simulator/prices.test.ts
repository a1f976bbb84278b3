import { describe, expect, it } from "vitest";
import { logoItemTruth, touchLogo } from "../../../helpers/logo.ts";
import { api, modelState, q, tenantWith } from "./call.ts";

const NEVER = "1899-12-30T00:00:00";

describe("the Logo simulator: GET /salesItemPrices", () => {
  it("serves L2's price fields, open dates as 1899-12-30", async () => {
    const { tenant, token } = await tenantWith("prices", { items: 3 });
    const [general] = (await api(tenant, "/salesItemPrices", { token })).body.items;
    expect(general).toEqual({
      Meta: expect.any(Object),
      INTERNAL_REFERENCE: 8,
      CARD_CODE: "ITM-000001",
      CARDREF: 1,
      OWNER_TYPE: 2,
      ARP_CODE: "",
      PRICE: expect.any(Number),
      UNIT_CODE: "ADET",
      VAT_INCL: 0,
      CURRENCY: 0,
      PRIORITY: 0,
      DATE_STARTED: NEVER,
      DATE_ENDED: NEVER,
      ACTIVE: 0,
      GRPCODE: "",
      DEFINITION: "Genel satış fiyatı",
      CREATED_BY: 1,
      DATE_CREATED: expect.any(String),
      HOUR_CREATED: expect.any(Number),
      MIN_CREATED: expect.any(Number),
      SEC_CREATED: expect.any(Number),
      MODIFIED_BY: 1,
      DATE_MODIFIED: expect.any(String),
      HOUR_MODIFIED: expect.any(Number),
      MIN_MODIFIED: expect.any(Number),
      SEC_MODIFIED: expect.any(Number),
    });
  });

  it("has no PTYPE, CODE or LOGICALREF: asking for them is SQL error 207", async () => {
    const { tenant, token } = await tenantWith("prices-fields");
    for (const field of ["PTYPE", "CODE", "LOGICALREF"]) {
      expect(await api(tenant, `/salesItemPrices?q=${q(`${field} eq 2`)}`, { token }), field).toMatchObject({
        status: 400,
        body: modelState("207", `Invalid column name '${field}'.`),
      });
      expect((await api(tenant, `/salesItemPrices?fields=${field}`, { token })).status).toBe(400);
    }
  });

  it("lists several rows for an item: general, dated (expired, future, running), customer, passive, retail", async () => {
    const { tenant, token } = await tenantWith("prices-kinds", { items: 130 });
    const rowsOf = async (ref: number) =>
      (await api(tenant, `/salesItemPrices?limit=10&q=${q(`CARDREF eq ${ref}`)}`, { token })).body.items;
    const item120 = await rowsOf(120);
    expect(item120.map((r: any) => r.DEFINITION)).toEqual([
      "Genel satış fiyatı",
      "Dönemsel fiyat",
      "Cari özel fiyat",
      "Eski fiyat listesi (kullanım dışı)",
      "Perakende fiyatı",
    ]);
    const [general, dated, customer, passive, retail] = item120;
    expect(dated).toMatchObject({ PRIORITY: 1, ARP_CODE: "" });
    expect(dated.PRICE).toBeCloseTo(general.PRICE * 0.9, 1);
    expect(customer).toMatchObject({ ARP_CODE: "120.01.021", ACTIVE: 0 });
    expect(passive).toMatchObject({ ACTIVE: 1, DATE_ENDED: NEVER });
    expect(retail).toMatchObject({ GRPCODE: "RETAIL", VAT_INCL: 1 });
    // The dated rows take turns by item: 12 expired, 4 not started yet, 8 running.
    const turns = await Promise.all([12, 4, 8].map(async (ref) => (await rowsOf(ref))[1]));
    const today = Date.now();
    const [expired, future, running] = turns;
    expect(Date.parse(expired.DATE_ENDED)).toBeLessThan(today);
    expect(Date.parse(future.DATE_STARTED)).toBeGreaterThan(today);
    expect(future.DATE_ENDED).toBe(NEVER);
    expect(Date.parse(running.DATE_STARTED)).toBeLessThan(today);
    expect(Date.parse(running.DATE_ENDED)).toBeGreaterThan(today);
    expect(await rowsOf(41)).toEqual([]);
    expect((await rowsOf(1)).length).toBe(1);
  });

  it("writes currencies as Logo numbers them: 0 and 160 TL, 1 USD, 20 EUR", async () => {
    const { tenant, token } = await tenantWith("prices-currency", { items: 40 });
    const currency = async (ref: number) =>
      (await api(tenant, `/salesItemPrices?q=${q(`CARDREF eq ${ref}`)}`, { token })).body.items[0].CURRENCY;
    expect([await currency(1), await currency(9), await currency(25), await currency(40)]).toEqual([0, 160, 1, 20]);
    expect(
      (await api(tenant, `/salesItemPrices?q=${q("OWNER_TYPE eq 2")}&withCount=true`, { token })).body.totalCount,
    ).toBeGreaterThan(40);
  });

  it("reprices every row of a touched item and moves their modified time", async () => {
    const { tenant, token } = await tenantWith("prices-touch", { items: 24 });
    const before = (await logoItemTruth(tenant, "ITM-000024")).prices;
    await touchLogo(tenant, { codes: ["ITM-000024"], at: "2026-05-05T05:05:05" });
    const after = (await api(tenant, `/salesItemPrices?q=${q("DATE_MODIFIED eq '05.05.2026'")}`, { token })).body.items;
    expect(after.map((r: any) => r.CARDREF)).toEqual(before.map(() => 24));
    for (const [k, row] of after.entries()) expect(row.PRICE).toBeGreaterThan(before[k].PRICE);
    expect((await api(tenant, `/salesItemPrices/${after[0].INTERNAL_REFERENCE}`, { token })).body.PRICE).toBe(
      after[0].PRICE,
    );
  });
});
