import { describe, expect, it } from "vitest";
import { csvConnector } from "../../src/connectors/csv/definition.ts";
import { logoConnector } from "../../src/connectors/logo/definition.ts";
import { netsisConnector } from "../../src/connectors/netsis/definition.ts";
import { AppError } from "../../src/http/errors.ts";
import { MappingDocument, type MappingInput } from "../../src/mapping/schema.ts";
import { assertValidMapping, validateMapping } from "../../src/mapping/validate.ts";

const SKU = { sourceField: "CODE", targetField: "products.sku", transformation: "trim", required: true };
const NAME = { sourceField: "NAME", targetField: "products.name" };

function issuesOf(input: MappingInput) {
  return validateMapping(MappingDocument.parse(input));
}

describe("validateMapping", () => {
  it.each([
    ["csv", csvConnector],
    ["logo", logoConnector],
    ["netsis", netsisConnector],
  ])("accepts the %s connector's default mapping", (_name, connector) => {
    expect(issuesOf(connector.defaultMapping)).toEqual([]);
  });

  it("accepts a mapping that uses every argument form", () => {
    const issues = issuesOf({
      mappings: [
        SKU,
        NAME,
        { sourceField: "UNIT", targetField: "products.unit", transformation: "trim|uppercase|lookup:units" },
        { sourceField: "CODE", targetField: "prices.sku" },
        { sourceField: "PRICE", targetField: "prices.price", transformation: "parseDecimal|vatInclude:20|round:2" },
        { sourceField: "CUR", targetField: "prices.currency", defaultValue: "TRY" },
        { sourceField: "ACTIVE", targetField: "products.active", transformation: "toBoolean", defaultValue: true },
      ],
      lookups: { units: { AD: "piece" } },
    });
    expect(issues).toEqual([]);
  });

  it("refuses products.price, saying that prices.price is the one source of a price", () => {
    expect(issuesOf({ mappings: [SKU, NAME, { sourceField: "P", targetField: "products.price" }] })).toEqual([
      {
        field: "mappings.2.targetField",
        message: "a price has one source of truth: map it to prices.price (with prices.sku and prices.currency)",
      },
    ]);
  });

  it("rejects a target without an entity prefix", () => {
    expect(issuesOf({ mappings: [SKU, { sourceField: "X", targetField: "name" }] })).toEqual([
      {
        field: "mappings.1.targetField",
        message: "must be '<entity>.<field>' such as 'products.sku'; entities: products, inventory, prices",
      },
    ]);
  });

  it("rejects an unknown entity, listing the entities", () => {
    expect(issuesOf({ mappings: [SKU, { sourceField: "X", targetField: "orders.sku" }] })).toEqual([
      { field: "mappings.1.targetField", message: "unknown entity 'orders'; entities: products, inventory, prices" },
    ]);
  });

  it("rejects an unknown field, listing the entity's fields", () => {
    expect(issuesOf({ mappings: [SKU, { sourceField: "Q", targetField: "inventory.qty" }] })).toContainEqual({
      field: "mappings.1.targetField",
      message: "inventory has no field 'qty'; fields: sku, stock, warehouse",
    });
  });

  it("rejects unknown transformations, listing the valid ones", () => {
    const [issue] = issuesOf({ mappings: [SKU, { ...NAME, transformation: "trim|capitalize" }] });
    expect(issue?.field).toBe("mappings.1.transformation");
    expect(issue?.message).toMatch(/^unknown transformation 'capitalize'; valid: trim, uppercase, lowercase, /);
    expect(issue?.message).toContain("lookup:<table>");
  });

  it("rejects missing and invalid arguments, one issue per bad step", () => {
    const issues = issuesOf({
      mappings: [
        SKU,
        { sourceField: "P", targetField: "products.vatRate", transformation: "multiply:abc|round:9|divide:0|multiply" },
      ],
    });
    expect(issues).toEqual([
      { field: "mappings.1.transformation", message: "'multiply:abc': 'abc' is not a number" },
      {
        field: "mappings.1.transformation",
        message: "'round:9': the number of digits must be a whole number from 0 to 6",
      },
      { field: "mappings.1.transformation", message: "'divide:0': cannot divide by zero" },
      { field: "mappings.1.transformation", message: "'multiply' needs an argument: multiply:<number>" },
    ]);
  });

  it("rejects a lookup of a table the document does not define", () => {
    const issues = issuesOf({
      mappings: [SKU, NAME, { sourceField: "U", targetField: "products.unit", transformation: "lookup:unit" }],
      lookups: { units: { AD: "piece" } },
    });
    expect(issues).toEqual([
      {
        field: "mappings.2.transformation",
        message: "'lookup:unit': there is no lookup table 'unit'; the tables are units",
      },
    ]);
  });

  it("rejects a target mapped twice, pointing at the first rule", () => {
    expect(issuesOf({ mappings: [SKU, NAME, { sourceField: "NAME2", targetField: "products.name" }] })).toEqual([
      { field: "mappings.2.targetField", message: "products.name is already mapped by mappings.1" },
    ]);
  });

  it("rejects every entity that is mapped without its sku", () => {
    const issues = issuesOf({
      mappings: [
        SKU,
        { sourceField: "ONHAND", targetField: "inventory.stock", transformation: "parseInt" },
        { sourceField: "PRICE", targetField: "prices.price", transformation: "parseDecimal" },
      ],
    });
    expect(issues).toEqual([
      { field: "mappings", message: "inventory is mapped but inventory.sku is not; every record needs its sku" },
      { field: "mappings", message: "prices is mapped but prices.sku is not; every record needs its sku" },
    ]);
  });

  it("rejects a default the target field would refuse, since defaults are not transformed", () => {
    const issues = issuesOf({
      mappings: [
        { sourceField: "CODE", targetField: "inventory.sku" },
        { sourceField: "ONHAND", targetField: "inventory.stock", defaultValue: "0" },
      ],
    });
    expect(issues).toEqual([
      { field: "mappings.1.defaultValue", message: expect.stringMatching(/^'0' cannot be inventory\.stock: /) },
    ]);
  });

  it("rejects a source path with an empty part", () => {
    expect(issuesOf({ mappings: [{ ...SKU, sourceField: "Item..Code" }] })).toEqual([
      { field: "mappings.0.sourceField", message: "must be a dotted path such as 'Item.Code' with no empty part" },
    ]);
  });
});

describe("assertValidMapping", () => {
  it("throws a VALIDATION_ERROR carrying every issue", () => {
    const doc = MappingDocument.parse({
      mappings: [SKU, { sourceField: "X", targetField: "products.nme", transformation: "trimm" }],
    });
    let thrown: unknown;
    try {
      assertValidMapping(doc);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as AppError;
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details?.map((issue) => issue.field)).toEqual(["mappings.1.targetField", "mappings.1.transformation"]);
    expect(error.message).toContain("products has no field 'nme'");
  });

  it("returns quietly for a valid mapping", () => {
    expect(() => assertValidMapping(MappingDocument.parse(csvConnector.defaultMapping))).not.toThrow();
  });
});
