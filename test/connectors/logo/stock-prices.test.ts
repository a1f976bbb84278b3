import { describe, expect, it } from "vitest";
import { logoConnector as logoDefinition } from "../../../src/connectors/logo/definition.ts";
import { compileMapping, mapRows } from "../../../src/mapping/engine.ts";
import { MappingDocument } from "../../../src/mapping/schema.ts";
import { configureLogo, logoConnector, newLogoTenant, readStream } from "../../helpers/logo.ts";

const defaultMapping = () => compileMapping(MappingDocument.parse(logoDefinition.defaultMapping));

describe("Logo stock", () => {
  it("reads on-hand per item from the firm's and period's STINVTOT view, page by page", async () => {
    const tenant = newLogoTenant("stock");
    await configureLogo(tenant, { items: 230, firmNo: 12, periodNo: 3 });
    const connector = logoConnector(tenant, { credentials: { firmNo: 12 }, settings: { periodNo: 3 } });
    const read = await readStream(connector, "stock", 100);
    expect(read.pages.map((p) => [p.rows.length, p.firstRow])).toEqual([
      [100, 1],
      [100, 101],
      [30, 201],
    ]);
    expect(read.rows.map((r) => r.STOCKREF)).toEqual(Array.from({ length: 230 }, (_, k) => k + 1));
    expect(read.rows[4]).toEqual({ STOCKREF: 5, CODE: "ITM-000005", ONHAND: expect.any(Number) });
    // KG items hold fractions; the default mapping rounds them to whole units.
    const fractional = read.rows.find((r) => !Number.isInteger(r.ONHAND)) as Record<string, unknown>;
    expect(fractional).toBeDefined();
    const { records, rejected } = mapRows(defaultMapping(), [fractional], ["inventory"]);
    expect(rejected).toEqual([]);
    expect(records[0]?.record).toEqual({ sku: fractional.CODE, stock: Math.round(fractional.ONHAND as number) });
  });

  it("reads one warehouse when warehouseNo is set", async () => {
    const tenant = newLogoTenant("warehouse");
    await configureLogo(tenant, { items: 20 });
    const all = await readStream(logoConnector(tenant), "stock", 50);
    const parts = await Promise.all(
      [0, 1, 2].map((w) => readStream(logoConnector(tenant, { settings: { warehouseNo: w } }), "stock", 50)),
    );
    for (let k = 0; k < 20; k++) {
      const sum = parts.reduce((s, p) => s + (p.rows[k]?.ONHAND as number), 0);
      expect(all.rows[k]?.ONHAND).toBeCloseTo(sum, 3);
    }
  });

  it("fails for good with Logo's words when the period's view does not exist", async () => {
    const tenant = newLogoTenant("period");
    await configureLogo(tenant, { periodNo: 2 });
    const error = await logoConnector(tenant, { settings: { periodNo: 1 } })
      .fetchPage("stock", null, 10)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      retryable: false,
      status: 400,
      message: expect.stringContaining("Invalid object name 'LV_001_01_STINVTOT'"),
    });
  });
});

describe("Logo prices", () => {
  it("reads sales prices by LOGICALREF and maps Logo currency numbers to ISO codes", async () => {
    const tenant = newLogoTenant("prices");
    await configureLogo(tenant, { items: 130 });
    const read = await readStream(logoConnector(tenant), "prices", 60);
    expect(read.pages.map((p) => p.rows.length)).toEqual([60, 60, 10]);
    expect(read.rows.map((r) => r.LOGICALREF)).toEqual(Array.from({ length: 130 }, (_, k) => k + 1));
    const { records, rejected } = mapRows(defaultMapping(), read.rows, ["prices"]);
    expect(rejected).toEqual([]);
    const bySku = new Map(records.map((r) => [r.key, r.record]));
    expect(bySku.get("ITM-000025")).toMatchObject({ currency: "USD", vatIncluded: false });
    expect(bySku.get("ITM-000040")).toMatchObject({ currency: "EUR" });
    expect(bySku.get("ITM-000003")).toMatchObject({ currency: "TRY", vatIncluded: true, price: expect.any(Number) });
  });

  it("reads only the configured price list", async () => {
    const tenant = newLogoTenant("price-list");
    await configureLogo(tenant, { items: 10 });
    const standard = await readStream(logoConnector(tenant, { settings: { priceListCode: "STD" } }), "prices", 50);
    expect(standard.rows).toHaveLength(10);
    const other = await readStream(logoConnector(tenant, { settings: { priceListCode: "B2B'X" } }), "prices", 50);
    expect(other.rows).toEqual([]);
  });

  it("maps items with the default mapping: units through logoUnits, VAT as the rate", async () => {
    const tenant = newLogoTenant("products");
    await configureLogo(tenant, { items: 10 });
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
    });
  });
});
