import { describe, expect, it } from "vitest";
import {
  createLogoItems,
  deleteLogoItems,
  logoItemTruth,
  logoSim,
  setLogoItemsActive,
  touchLogo,
} from "../../../helpers/logo.ts";
import { api, q, tenantWith } from "./call.ts";

const DATE = /^\d{4}-\d{2}-\d{2}T00:00:00$/;
const refs = (body: any) => body.items.map((i: any) => i.INTERNAL_REFERENCE);
const modifiedOf = (i: any) => `${i.DATE_MODIFIED.slice(0, 10)} ${i.HOUR_MODIFIED}:${i.MIN_MODIFIED}:${i.SEC_MODIFIED}`;

describe("the Logo simulator: material cards", () => {
  it("serves L2's item fields, ISO dates with the time apart, 1899-12-30 for a card never modified", async () => {
    const { tenant, token } = await tenantWith("cards", { items: 5 });
    const [modified, , never] = (await api(tenant, "/items", { token })).body.items;
    expect(modified).toEqual({
      Meta: expect.any(Object),
      INTERNAL_REFERENCE: 1,
      CARD_TYPE: 1,
      CODE: "ITM-000001",
      NAME: expect.stringMatching(/\S+ \S+ \S+/),
      VAT: expect.any(Number),
      UNITSET_CODE: "ADET",
      EAN_BARCODE: expect.stringMatching(/^869\d{10}$/),
      RECORD_STATUS: 0,
      ACTIVE: 0,
      CREATED_BY: 1,
      DATE_CREATED: expect.stringMatching(DATE),
      HOUR_CREATED: expect.any(Number),
      MIN_CREATED: expect.any(Number),
      SEC_CREATED: expect.any(Number),
      MODIFIED_BY: 1,
      DATE_MODIFIED: expect.stringMatching(DATE),
      HOUR_MODIFIED: expect.any(Number),
      MIN_MODIFIED: expect.any(Number),
      SEC_MODIFIED: expect.any(Number),
    });
    expect(Date.parse(modified.DATE_MODIFIED)).toBeGreaterThan(Date.parse(modified.DATE_CREATED));
    expect(never).toMatchObject({
      INTERNAL_REFERENCE: 3,
      MODIFIED_BY: 0,
      DATE_MODIFIED: "1899-12-30T00:00:00",
      HOUR_MODIFIED: 0,
      MIN_MODIFIED: 0,
      SEC_MODIFIED: 0,
      DATE_CREATED: expect.stringMatching(DATE),
    });
    expect((await api(tenant, "/items/3?expandLevel=full", { token })).body).toEqual({
      ...never,
      Meta: expect.any(Object),
    });
  });

  it("mixes card types 1, 12 and 22, passive items, KG units and Turkish names", async () => {
    const { tenant, token } = await tenantWith("cards-mix", { items: 100 });
    const all = (await api(tenant, "/items?limit=100", { token })).body.items;
    const byRef = (ref: number) => all[ref - 1];
    expect(byRef(7).CARD_TYPE).toBe(12);
    expect(byRef(41).CARD_TYPE).toBe(22);
    expect(new Set(all.map((i: any) => i.CARD_TYPE))).toEqual(new Set([1, 12, 22]));
    expect(byRef(23).ACTIVE).toBe(1);
    expect(all.filter((i: any) => i.ACTIVE === 1).map((i: any) => i.INTERNAL_REFERENCE)).toEqual([23, 46, 69, 92]);
    expect(byRef(5).UNITSET_CODE).toBe("KG");
    expect(all.some((i: any) => /[ŞşİıĞğÜüÖöÇç]/.test(i.NAME))).toBe(true);
    expect(all.filter((i: any) => i.DATE_MODIFIED.startsWith("1899")).length).toBe(33);
  });

  it("has items that share a modification second", async () => {
    const { tenant, token } = await tenantWith("cards-seconds", { items: 3000 });
    const page = await api(tenant, `/items?limit=1000&q=${q("MODIFIED_BY eq 1")}`, { token });
    const seconds = page.body.items.map(modifiedOf);
    expect(new Set(seconds).size).toBeLessThan(seconds.length);
  });

  it("makes every Kth card malformed with malformedEvery: no CODE, or VAT 'abc'", async () => {
    const { tenant, token } = await tenantWith("cards-malformed", { items: 40, malformedEvery: 10 });
    const all = (await api(tenant, "/items?limit=40", { token })).body.items;
    expect(all[9]).not.toHaveProperty("CODE");
    expect(all[19]).toMatchObject({ CODE: "ITM-000020", VAT: "abc" });
    expect(all[29]).not.toHaveProperty("CODE");
    expect(all.filter((i: any) => i.VAT === "abc" || i.CODE === undefined)).toHaveLength(4);
  });

  it("serves 100,000 items without building them all: a deep sorted page and a keyset filter are quick", async () => {
    const { tenant, token } = await tenantWith("cards-big", { items: 100_000 });
    const started = Date.now();
    const sort = "DATE_MODIFIED,HOUR_MODIFIED,MIN_MODIFIED,SEC_MODIFIED,INTERNAL_REFERENCE";
    expect((await api(tenant, `/items?limit=1&withCount=true&sort=${sort}`, { token })).body.totalCount).toBe(100_000);
    expect((await api(tenant, `/items?limit=500&offset=99000&sort=${sort}`, { token })).body.count).toBe(500);
    const keyset = await api(tenant, `/items?limit=2&q=${q("INTERNAL_REFERENCE gt 99998")}`, { token });
    expect(keyset.body.items.map((i: any) => i.CODE)).toEqual(["ITM-099999", "ITM-100000"]);
    const since = await api(
      tenant,
      `/items?limit=10&withCount=true&q=${q("DATE_MODIFIED ge '2000-01-01' and MODIFIED_BY eq 1")}`,
      { token },
    );
    expect(since.body.totalCount).toBeGreaterThan(60_000);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe("the Logo simulator: controls that change the catalogue", () => {
  it("touch renames and reprices items and moves their modified time, their price rows' too", async () => {
    const { tenant, token } = await tenantWith("touch", { items: 10 });
    const before = await logoItemTruth(tenant, "ITM-000003");
    expect(await touchLogo(tenant, { codes: ["ITM-000003"], count: 2, at: "2026-03-01T12:34:56" })).toEqual({
      touched: ["ITM-000001", "ITM-000002", "ITM-000003"],
    });
    const after = await logoItemTruth(tenant, "ITM-000003");
    expect(after.NAME).toBe(`${before.NAME} (rev 1)`);
    expect(after.prices[0].PRICE).toBeCloseTo(before.prices[0].PRICE + 1, 2);
    expect(after).toMatchObject({
      DATE_MODIFIED: "2026-03-01T00:00:00",
      HOUR_MODIFIED: 12,
      MIN_MODIFIED: 34,
      SEC_MODIFIED: 56,
      MODIFIED_BY: 1,
    });
    expect(after.prices[0]).toMatchObject({ DATE_MODIFIED: "2026-03-01T00:00:00", HOUR_MODIFIED: 12 });
    const served = (await api(tenant, `/items?q=${q("DATE_MODIFIED eq '01.03.2026'")}`, { token })).body;
    expect(refs(served)).toEqual([1, 2, 3]);
    const bad = await fetch(`https://sims.test/logo/${tenant}/__sim/touch`, {
      method: "POST",
      body: JSON.stringify({ codes: ["NOPE"] }),
    });
    expect(bad.status).toBe(400);
    const badTime = await fetch(`https://sims.test/logo/${tenant}/__sim/touch`, {
      method: "POST",
      body: JSON.stringify({ count: 1, at: "2026-03-01" }),
    });
    expect(badTime.status).toBe(400);
  });

  it("create appends items at the next references, created at `at`, never modified, with a general price and no stock", async () => {
    const { tenant, token } = await tenantWith("create", { items: 50 });
    expect(await createLogoItems(tenant, { count: 2, at: "2026-04-02T08:09:10" })).toEqual({
      created: ["ITM-000051", "ITM-000052"],
    });
    const card = (await api(tenant, "/items/52", { token })).body;
    expect(card).toMatchObject({
      CODE: "ITM-000052",
      DATE_CREATED: "2026-04-02T00:00:00",
      HOUR_CREATED: 8,
      MIN_CREATED: 9,
      SEC_CREATED: 10,
      DATE_MODIFIED: "1899-12-30T00:00:00",
    });
    expect((await api(tenant, "/items?limit=100&withCount=true", { token })).body.totalCount).toBe(52);
    const truth = await logoItemTruth(tenant, "ITM-000051");
    expect(truth).toMatchObject({ onHand: { total: 0, byWarehouse: {} }, deleted: false });
    expect(truth.prices).toHaveLength(1);
    expect((await createLogoItems(tenant, { count: 1 })).created).toEqual(["ITM-000053"]);
  });

  it("delete makes items vanish with their prices and stock", async () => {
    const { tenant, token } = await tenantWith("delete", { items: 12, sql: true });
    expect(await deleteLogoItems(tenant, ["ITM-000004", "ITM-000008"])).toEqual({
      deleted: ["ITM-000004", "ITM-000008"],
    });
    expect(refs((await api(tenant, "/items?limit=20", { token })).body)).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11, 12]);
    expect((await api(tenant, "/items/4", { token })).status).toBe(404);
    const prices = (await api(tenant, `/salesItemPrices?q=${q("CARDREF eq 4 or CARDREF eq 8")}`, { token })).body;
    expect(prices.count).toBe(0);
    const stock = await api(
      tenant,
      `/queries?tsql=${q("SELECT COUNT(*) AS n FROM LV_001_01_STINVTOT WHERE STOCKREF IN (4, 8)")}`,
      { token },
    );
    expect(stock.body.items).toEqual([{ n: 0 }]);
    expect(await logoItemTruth(tenant, "ITM-000004")).toMatchObject({
      deleted: true,
      prices: [],
      onHand: { total: 0 },
    });
    expect((await createLogoItems(tenant, { count: 1 })).created).toEqual(["ITM-000013"]);
  });

  it("deactivate and activate set ACTIVE 1 and 0 and move the card's modified time to now", async () => {
    const { tenant, token } = await tenantWith("activate", { items: 6 });
    expect(await setLogoItemsActive(tenant, ["ITM-000003"], false)).toEqual({ deactivated: ["ITM-000003"] });
    const passive = (await api(tenant, "/items/3", { token })).body;
    expect(passive).toMatchObject({ ACTIVE: 1, MODIFIED_BY: 1 });
    const now = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
    expect(passive.DATE_MODIFIED).toBe(`${now}T00:00:00`);
    expect(await setLogoItemsActive(tenant, ["ITM-000003"], true)).toEqual({ activated: ["ITM-000003"] });
    expect((await api(tenant, "/items/3", { token })).body.ACTIVE).toBe(0);
    expect(refs((await api(tenant, `/items?q=${q("ACTIVE eq 1")}`, { token })).body)).toEqual([]);
  });

  it("tells the truth about an item: the card, stock per warehouse, its price rows", async () => {
    const { tenant, token } = await tenantWith("truth", { items: 30 });
    const truth = await logoItemTruth(tenant, "ITM-000024");
    const { onHand, prices, deleted, ...card } = truth;
    const { Meta: _, ...served } = (await api(tenant, "/items/24", { token })).body;
    expect(card).toEqual(served);
    const sum = Object.values(onHand.byWarehouse).reduce((s: number, n: number) => s + n, 0);
    expect(onHand.total).toBeCloseTo(sum, 3);
    expect(Object.keys(onHand.byWarehouse)).toContain("0");
    expect(prices.map((p: any) => p.CARDREF)).toEqual(prices.map(() => 24));
    expect(deleted).toBe(false);
    const unknown = await fetch(`https://sims.test/logo/${tenant}/__sim/items/ITM-999999`);
    expect(unknown.status).toBe(404);
    expect(await logoSim(tenant, "GET", "/stats")).toMatchObject({ logins: 1 });
  });
});
