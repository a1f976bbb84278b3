import { describe, expect, it } from "vitest";
import { csvConnector } from "../../src/connectors/csv/definition.ts";
import { netsisConnector } from "../../src/connectors/netsis/definition.ts";
import { AppError } from "../../src/http/errors.ts";
import { compileMapping, mapRows } from "../../src/mapping/engine.ts";
import { MappingDocument, type MappingInput } from "../../src/mapping/schema.ts";

function compile(input: MappingInput) {
  return compileMapping(MappingDocument.parse(input));
}

const csv = compile(csvConnector.defaultMapping);
const ALL = ["products", "inventory", "prices"] as const;

describe("compileMapping", () => {
  it("lists the entities the mapping has rules for, in the platform's order", () => {
    expect(csv.entities).toEqual(["products", "inventory", "prices"]);
    const pricesOnly = compile({
      mappings: [
        { sourceField: "P", targetField: "prices.price", transformation: "parseDecimal" },
        { sourceField: "S", targetField: "prices.sku" },
      ],
    });
    expect(pricesOnly.entities).toEqual(["prices"]);
  });

  it("refuses an invalid mapping with a VALIDATION_ERROR", () => {
    expect(() =>
      compile({ mappings: [{ sourceField: "S", targetField: "products.sku", transformation: "nope" }] }),
    ).toThrow(AppError);
  });
});

describe("mapRows", () => {
  it("maps one row to a record per entity, through the pipelines", () => {
    const { records, rejected } = mapRows(
      csv,
      [{ sku: " ABC-1 ", name: " Çay Bardağı ", stock: "12", price: "29,99", currency: "try" }],
      ALL,
    );
    expect(rejected).toEqual([]);
    expect(records).toEqual([
      { entity: "products", key: "ABC-1", row: 1, record: { sku: "ABC-1", name: "Çay Bardağı" } },
      { entity: "inventory", key: "ABC-1", row: 1, record: { sku: "ABC-1", stock: 12 } },
      { entity: "prices", key: "ABC-1", row: 1, record: { sku: "ABC-1", price: 29.99, currency: "TRY" } },
    ]);
  });

  it("reads nested source fields and array indices", () => {
    const netsis = compile(netsisConnector.defaultMapping);
    const row = { StokTemelBilgi: { Stok_Kodu: "NT-7", Stok_Adi: "Şeker", Grup_Kodu: "GIDA", KDV_Orani: "1,0" } };
    expect(mapRows(netsis, [row], ["products"]).records[0]?.record).toEqual({
      sku: "NT-7",
      name: "Şeker",
      category: "GIDA",
      vatRate: 1,
      active: true, // no Kilit: the default
    });
    const lines = compile({
      mappings: [
        { sourceField: "Lines.1.Code", targetField: "inventory.sku" },
        { sourceField: "Lines.1.Qty", targetField: "inventory.stock", transformation: "parseInt" },
      ],
    });
    const order = {
      Lines: [
        { Code: "A", Qty: "1" },
        { Code: "B", Qty: "2" },
      ],
    };
    expect(mapRows(lines, [order], ["inventory"]).records[0]?.record).toEqual({ sku: "B", stock: 2 });
  });

  it("uses the default, untransformed, for a missing value and leaves out optional missing fields", () => {
    const { records } = mapRows(
      csv,
      [
        { sku: "A", name: "A", barcode: "   ", price: "1", currency: null },
        { sku: "B", name: "B", price: "2", currency: "" },
      ],
      ["products", "prices"],
    );
    expect(records.map((r) => r.record)).toEqual([
      { sku: "A", name: "A" },
      { sku: "A", price: 1, currency: "TRY" },
      { sku: "B", name: "B" },
      { sku: "B", price: 2, currency: "TRY" },
    ]);
  });

  it("rejects a row missing a required value, naming the target and the source field", () => {
    const { rejected } = mapRows(csv, [{ sku: "A", name: "A", stock: "1", price: " " }], ["prices"]);
    expect(rejected).toEqual([
      {
        entity: "prices",
        row: 1,
        key: "A",
        field: "prices.price",
        reason: "is required (source field 'price' is empty)",
      },
    ]);
  });

  it("rejects a bad row alone, with key, field and reason, while the others map", () => {
    const rows = [
      { sku: "A", name: "A", stock: "1", price: "10" },
      { sku: "B", name: "B", stock: "2", price: "abc" },
      { sku: "C", name: "C", stock: "3", price: "30" },
    ];
    const { records, rejected } = mapRows(csv, rows, ["prices"]);
    expect(records.map((r) => [r.key, r.row])).toEqual([
      ["A", 1],
      ["C", 3],
    ]);
    expect(rejected).toEqual([
      { entity: "prices", row: 2, key: "B", field: "prices.price", reason: "cannot read 'abc' as a decimal number" },
    ]);
  });

  it("keeps entities independent: a row rejected for prices still maps for products and inventory", () => {
    const { records, rejected } = mapRows(csv, [{ sku: "A", name: "Kalem", stock: "5", price: "" }], ALL);
    expect(records.map((r) => r.entity)).toEqual(["products", "inventory"]);
    expect(rejected.map((r) => [r.entity, r.field])).toEqual([["prices", "prices.price"]]);
  });

  it("reports a key of null when the sku itself cannot be read", () => {
    const { rejected } = mapRows(csv, [{ name: "No code", stock: "1" }], ["inventory"]);
    expect(rejected).toEqual([
      {
        entity: "inventory",
        row: 1,
        key: null,
        field: "inventory.sku",
        reason: "is required (source field 'sku' is empty)",
      },
    ]);
  });

  it("rejects records the platform schema refuses: a price of 0, a 4-letter currency, a bad sku", () => {
    const { records, rejected } = mapRows(
      csv,
      [
        { sku: "A", name: "A", stock: "4", price: "0", currency: "TRY" },
        { sku: "B", name: "B", stock: "4", price: "1", currency: "TRYL" },
        { sku: "C D", name: "C", stock: "4", price: "1" },
      ],
      ["inventory", "prices"],
    );
    expect(rejected).toEqual([
      {
        entity: "prices",
        row: 1,
        key: "A",
        field: "prices.price",
        reason: "must be more than 0 (a price of 0 would sell the item for free)",
      },
      {
        entity: "prices",
        row: 2,
        key: "B",
        field: "prices.currency",
        reason: "must be a 3-letter ISO currency code like TRY",
      },
      {
        entity: "inventory",
        row: 3,
        key: "C D",
        field: "inventory.sku",
        reason: "must not contain spaces, '/', '?' or '#'",
      },
      { entity: "prices", row: 3, key: "C D", field: "prices.sku", reason: "must not contain spaces, '/', '?' or '#'" },
    ]);
    expect(records.map((r) => [r.entity, r.key])).toEqual([
      ["inventory", "A"],
      ["inventory", "B"],
    ]);
  });

  it("never oversells: fractional stock is rounded down and negative stock is sent as 0", () => {
    const { records, rejected } = mapRows(
      csv,
      [
        { sku: "KG", stock: "2,7" },
        { sku: "NEG", stock: "-4" },
        { sku: "ALMOST", stock: "0.999" },
        { sku: "WHOLE", stock: "12" },
      ],
      ["inventory"],
      { decimalSeparator: "," },
    );
    expect(rejected).toEqual([]);
    expect(records.map((r) => r.record)).toEqual([
      { sku: "KG", stock: 2 },
      { sku: "NEG", stock: 0 },
      { sku: "ALMOST", stock: 0 },
      { sku: "WHOLE", stock: 12 },
    ]);
  });

  it("rejects a record missing a field its schema requires, even without a required rule", () => {
    const partial = compile({ mappings: [{ sourceField: "code", targetField: "products.sku" }] });
    expect(mapRows(partial, [{ code: "A" }], ["products"]).rejected).toEqual([
      { entity: "products", row: 1, key: "A", field: "products.name", reason: "is required" },
    ]);
  });

  it("reads decimal commas with parseDecimal, and lets decimalSeparator settle 1.234", () => {
    const rows = [
      { sku: "A", price: "1.234,50" },
      { sku: "B", price: "1.234" },
    ];
    const prices = (options?: { decimalSeparator: "." | "," }) =>
      mapRows(csv, rows, ["prices"], options).records.map((r) => (r.record as { price: number }).price);
    expect(prices()).toEqual([1234.5, 1.234]);
    expect(prices({ decimalSeparator: "," })).toEqual([1234.5, 1234]);
    expect(prices({ decimalSeparator: "." })).toEqual([1234.5, 1.234]);
  });

  it("numbers rows from firstRow", () => {
    const rows = [
      { sku: "A", price: "1" },
      { sku: "B", price: "x" },
      { sku: "C", price: "3" },
    ];
    const { records, rejected } = mapRows(csv, rows, ["prices"], { firstRow: 101 });
    expect(records.map((r) => r.row)).toEqual([101, 103]);
    expect(rejected.map((r) => r.row)).toEqual([102]);
  });

  it("skips requested entities the mapping has no rules for", () => {
    const productsOnly = compile({
      mappings: [
        { sourceField: "sku", targetField: "products.sku" },
        { sourceField: "name", targetField: "products.name" },
      ],
    });
    const { records, rejected } = mapRows(productsOnly, [{ sku: "A", name: "A" }], ALL);
    expect(records.map((r) => r.entity)).toEqual(["products"]);
    expect(rejected).toEqual([]);
  });

  it("does not modify the input rows", () => {
    const rows = [
      { sku: " A ", name: " Ürün ", stock: "1,0", price: "9,90", currency: "try", nested: { keep: [1, 2] } },
      { sku: "", name: "B", stock: "x", price: "1" },
    ];
    const before = structuredClone(rows);
    mapRows(csv, Object.freeze(rows.map((row) => Object.freeze(row))), ALL, { decimalSeparator: "," });
    expect(rows).toEqual(before);
  });

  it("does not read inherited properties such as constructor as source values", () => {
    const odd = compile({
      mappings: [
        { sourceField: "sku", targetField: "products.sku" },
        { sourceField: "constructor", targetField: "products.name", required: true },
      ],
    });
    expect(mapRows(odd, [{ sku: "A" }], ["products"]).rejected[0]?.reason).toBe(
      "is required (source field 'constructor' is empty)",
    );
  });
});
