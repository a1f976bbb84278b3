import { describe, expect, it } from "vitest";
import { logoConnector as logoDefinition } from "../../../src/connectors/logo/definition.ts";
import { choose } from "../../../src/connectors/logo/prices.ts";
import { compileMapping, mapRows } from "../../../src/mapping/engine.ts";
import { MappingDocument } from "../../../src/mapping/schema.ts";
import {
  catalogueRefs,
  configureLogo,
  failureOf,
  logoConnector,
  logoItemTruth,
  logoStats,
  newLogoTenant,
  readStream,
} from "../../helpers/logo.ts";

const defaultMapping = () => compileMapping(MappingDocument.parse(logoDefinition.defaultMapping));

describe("Logo stock", () => {
  it("is refused plainly when the REST service does not allow SQL calls (their default)", async () => {
    const tenant = newLogoTenant("sql-off");
    const error = await failureOf(logoConnector(tenant).fetchPage("stock", null, 10));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^Logo refused the stock query \(.+\)\. Stock is read with SQL/);
    expect(error.message).toContain("enable SQL select queries in the Logo REST service settings");
  });

  it("reads on-hand per item from the firm's and period's STINVTOT view, all warehouses, page by page", async () => {
    const tenant = newLogoTenant("stock");
    await configureLogo(tenant, { items: 230, firmNo: 12, periodNo: 3, sql: true });
    const connector = logoConnector(tenant, { credentials: { firmNo: 12 }, settings: { periodNo: 3 } });
    const read = await readStream(connector, "stock", 100);
    expect(read.rows.map((r) => r.STOCKREF)).toEqual(catalogueRefs(230));
    for (const code of ["ITM-000005", "ITM-000031", "ITM-000012"]) {
      const truth = await logoItemTruth(tenant, code);
      expect(read.rows.find((r) => r.CODE === code)?.ONHAND, code).toBeCloseTo(truth.onHand.total, 6);
    }
    // What the platform gets: whole units, rounded down; none below zero.
    const { records, rejected } = mapRows(defaultMapping(), read.rows, ["inventory"]);
    expect(rejected).toEqual([]);
    const stock = new Map(records.map((r) => [r.key, (r.record as { stock: number }).stock]));
    const kg = await logoItemTruth(tenant, "ITM-000005");
    expect(stock.get("ITM-000005")).toBe(Math.floor(kg.onHand.total));
    expect((await logoItemTruth(tenant, "ITM-000031")).onHand.total).toBeLessThan(0);
    expect(stock.get("ITM-000031")).toBe(0);
  });

  it("reads one warehouse when warehouseNo is set", async () => {
    const tenant = newLogoTenant("warehouse");
    await configureLogo(tenant, { items: 20, sql: true });
    const read = await readStream(logoConnector(tenant, { settings: { warehouseNo: 0 } }), "stock", 50);
    for (const code of ["ITM-000004", "ITM-000008"]) {
      const truth = await logoItemTruth(tenant, code);
      expect(read.rows.find((r) => r.CODE === code)?.ONHAND).toBeCloseTo(truth.onHand.byWarehouse["0"] ?? 0, 6);
    }
  });

  it("reads on when the service applies its own row limit to query results", async () => {
    const tenant = newLogoTenant("query-paging");
    await configureLogo(tenant, { items: 60, sql: true, queriesPaging: "limit", maxLimit: 10 });
    const read = await readStream(logoConnector(tenant), "stock", 500);
    expect(read.rows.map((r) => r.STOCKREF)).toEqual(catalogueRefs(60));
  });

  it("goes through /queries/unsafe when /queries cannot answer a JOIN (L1)", async () => {
    const tenant = newLogoTenant("unsafe");
    await configureLogo(tenant, { items: 30, sql: true, queriesJoin: "fail" });
    const read = await readStream(logoConnector(tenant), "stock", 100);
    expect(read.rows.map((r) => r.CODE)).toContain("ITM-000030");
    expect((await logoStats(tenant)).byEndpoint["POST /queries/unsafe"]).toBeGreaterThan(1);
  });

  it("reads without the JOIN, codes from /items, on a service that has no /queries/unsafe", async () => {
    const tenant = newLogoTenant("plain");
    await configureLogo(tenant, { items: 50, sql: true, queriesJoin: "fail" });
    // An older REST service: /queries/unsafe came later (L1 dates its cmdTimeout to 2.72.00.00).
    const older = logoConnector(tenant, {
      fetch: (url, init) =>
        new URL(url).pathname.toLowerCase().endsWith("/queries/unsafe")
          ? Promise.resolve(
              Response.json({ Message: "No HTTP resource was found that matches the request URI." }, { status: 404 }),
            )
          : fetch(url, init),
    });
    const read = await readStream(older, "stock", 20);
    expect(read.rows.map((r) => r.STOCKREF)).toEqual(catalogueRefs(50));
    const truth = await logoItemTruth(tenant, "ITM-000007");
    expect(read.rows.find((r) => r.STOCKREF === 7)).toMatchObject({ CODE: "ITM-000007" });
    expect(read.rows.find((r) => r.STOCKREF === 7)?.ONHAND).toBeCloseTo(truth.onHand.total, 6);
  });

  it("fails for good with Logo's words when the period's view does not exist", async () => {
    const tenant = newLogoTenant("period");
    await configureLogo(tenant, { periodNo: 2, sql: true });
    const error = await failureOf(logoConnector(tenant, { settings: { periodNo: 1 } }).fetchPage("stock", null, 10));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("LV_001_01_STINVTOT");
  });
});

describe("Logo prices", () => {
  it("gives each item the one price card that applies to the shop", async () => {
    const tenant = newLogoTenant("prices");
    await configureLogo(tenant, { items: 130 });
    const read = await readStream(logoConnector(tenant), "prices", 60);
    const cards = new Map(read.rows.map((r) => [r.CARD_CODE as string, r]));
    expect([...cards.keys()]).toHaveLength(read.rows.length); // one per item
    expect(cards.size).toBe(catalogueRefs(130).length);
    const today = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);
    for (const code of ["ITM-000004", "ITM-000006", "ITM-000010", "ITM-000008", "ITM-000012", "ITM-000024"]) {
      const truth = await logoItemTruth(tenant, code);
      const expected = choose(truth.prices, { currency: "TRY" }, today);
      expect(cards.get(code)?.INTERNAL_REFERENCE, code).toBe(expected?.INTERNAL_REFERENCE);
      expect(cards.get(code)?.ARP_CODE ?? "", code).toBe("");
      expect(Number(cards.get(code)?.ACTIVE ?? 0), code).toBe(0);
    }
    const { records, rejected } = mapRows(defaultMapping(), read.rows, ["prices"]);
    expect(rejected).toEqual([]);
    const bySku = new Map(records.map((r) => [r.key, r.record]));
    expect(bySku.get("ITM-000025")).toMatchObject({ currency: "USD" });
    expect(bySku.get("ITM-000040")).toMatchObject({ currency: "EUR" });
    expect(bySku.get("ITM-000009")).toMatchObject({ currency: "TRY" }); // Logo's 160
  });

  it("takes only the price list named by priceListCode (GRPCODE)", async () => {
    const tenant = newLogoTenant("price-list");
    await configureLogo(tenant, { items: 40 });
    const retail = await readStream(logoConnector(tenant, { settings: { priceListCode: "RETAIL" } }), "prices", 50);
    expect(retail.rows.map((r) => r.CARD_CODE)).toEqual([
      "ITM-000008",
      "ITM-000016",
      "ITM-000024",
      "ITM-000032",
      "ITM-000040",
    ]);
    expect(retail.rows.every((r) => r.GRPCODE === "RETAIL")).toBe(true);
    const none = await readStream(logoConnector(tenant, { settings: { priceListCode: "B2B'X" } }), "prices", 50);
    expect(none.rows).toEqual([]);
  });

  it("judges all cards of an item together even when a page ends among them", async () => {
    const tenant = newLogoTenant("price-pages");
    await configureLogo(tenant, { items: 60 });
    const whole = await readStream(logoConnector(tenant), "prices", 1000);
    const small = await readStream(logoConnector(tenant), "prices", 3);
    expect(small.rows.map((r) => r.INTERNAL_REFERENCE)).toEqual(whole.rows.map((r) => r.INTERNAL_REFERENCE));
  });

  it("asks Logo only for fields the resource has (no PTYPE, CODE or LOGICALREF)", async () => {
    const tenant = newLogoTenant("price-fields");
    await configureLogo(tenant, { items: 5 });
    // The simulator answers SQL error 207 for a field salesItemPrices lacks; reading works.
    expect((await readStream(logoConnector(tenant), "prices", 10)).rows.length).toBe(5);
  });

  it("maps items with the default mapping: units through logoUnits, VAT as the rate, passive as inactive", async () => {
    const tenant = newLogoTenant("products");
    await configureLogo(tenant, { items: 30 });
    const read = await readStream(logoConnector(tenant), "items", 50);
    const { records, rejected } = mapRows(defaultMapping(), read.rows, ["products"]);
    expect(rejected).toEqual([]);
    const five = records.find((r) => r.key === "ITM-000005")?.record;
    const row = read.rows.find((r) => r.CODE === "ITM-000005");
    expect(five).toEqual({
      sku: "ITM-000005",
      name: row?.NAME,
      barcode: row?.EAN_BARCODE,
      unit: "kg",
      vatRate: row?.VAT,
      active: true,
    });
    expect(records.find((r) => r.key === "ITM-000023")?.record).toMatchObject({ active: false });
  });
});

describe("Logo price rule", () => {
  const OPEN = "1899-12-30T00:00:00";
  const card = (ref: number, fields: Record<string, unknown> = {}) => ({
    INTERNAL_REFERENCE: ref,
    CARD_CODE: "A",
    ARP_CODE: "",
    ACTIVE: 0,
    PRIORITY: 0,
    CURRENCY: 0,
    DATE_STARTED: OPEN,
    DATE_ENDED: OPEN,
    GRPCODE: "",
    ...fields,
  });
  const pick = (cards: Record<string, unknown>[], rule = {}) =>
    choose(cards, { currency: "TRY", ...rule }, "2026-06-15")?.INTERNAL_REFERENCE ?? null;

  it("skips passive, customer-specific and out-of-date cards", () => {
    expect(pick([card(1, { ACTIVE: 1 }), card(2)])).toBe(2);
    expect(pick([card(1, { ARP_CODE: "120.01.001" }), card(2)])).toBe(2);
    expect(pick([card(1, { DATE_ENDED: "2026-06-14T00:00:00" }), card(2, { PRIORITY: 5 })])).toBe(2);
    expect(pick([card(1, { DATE_STARTED: "2026-06-16T00:00:00" }), card(2, { PRIORITY: 5 })])).toBe(2);
    expect(pick([card(1, { DATE_STARTED: "2026-06-15T00:00:00", DATE_ENDED: "2026-06-15T00:00:00" })])).toBe(1);
    expect(pick([card(1, { ACTIVE: 1 })])).toBeNull();
  });

  it("prefers the integration's currency, then the lowest priority, the latest start, the newest card", () => {
    expect(pick([card(1, { CURRENCY: 1 }), card(2, { CURRENCY: 160, PRIORITY: 9 })])).toBe(2);
    expect(pick([card(1, { CURRENCY: 1 })])).toBe(1); // only another currency: still a price
    expect(pick([card(1, { PRIORITY: 2 }), card(2, { PRIORITY: 1 })])).toBe(2);
    expect(
      pick([card(1, { DATE_STARTED: "2026-01-01T00:00:00" }), card(2, { DATE_STARTED: "2026-05-01T00:00:00" })]),
    ).toBe(2);
    expect(pick([card(3), card(7)])).toBe(7);
  });

  it("takes only the named price list when one is set", () => {
    expect(pick([card(1), card(2, { GRPCODE: "RETAIL" })], { priceListCode: "RETAIL" })).toBe(2);
    expect(pick([card(1)], { priceListCode: "RETAIL" })).toBeNull();
  });
});
