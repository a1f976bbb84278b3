import { describe, expect, it } from "vitest";
import { parsePipeline, runPipeline } from "../../src/mapping/pipeline.ts";
import {
  type Lookups,
  TRANSFORMATIONS,
  TransformationError,
  type TransformOptions,
} from "../../src/mapping/transformations.ts";

/** Runs a transformation string over one value, failing the test if the string itself is invalid. */
function run(transformation: string, value: unknown, options: TransformOptions = {}, lookups: Lookups = {}): unknown {
  const pipeline = parsePipeline(transformation, lookups);
  expect(pipeline.errors).toEqual([]);
  return runPipeline(pipeline.steps, value, options);
}

function failure(transformation: string, value: unknown, options: TransformOptions = {}, lookups: Lookups = {}) {
  try {
    run(transformation, value, options, lookups);
  } catch (error) {
    expect(error).toBeInstanceOf(TransformationError);
    return (error as TransformationError).message;
  }
  throw new Error(`${transformation} accepted ${String(value)}`);
}

describe("text transformations", () => {
  it("trims spaces, tabs and newlines and keeps Turkish letters", () => {
    expect(run("trim", "  Şeker Ğıda İçecek\t\n")).toBe("Şeker Ğıda İçecek");
  });

  it("uppercases Turkish letters with Unicode's default casing, so i becomes I, not İ", () => {
    expect(run("uppercase", "şeker ğüöç")).toBe("ŞEKER ĞÜÖÇ");
    expect(run("uppercase", "şişe")).toBe("ŞIŞE");
    expect(run("uppercase", "ı")).toBe("I");
    expect(run("uppercase", "try")).toBe("TRY");
  });

  it("lowercases with Unicode's default casing, so dotted İ keeps its dot as a combining mark", () => {
    expect(run("lowercase", "ŞEKER ĞÜÇ")).toBe("şeker ğüç");
    expect(run("lowercase", "I")).toBe("i");
    expect(run("lowercase", "İ")).toBe("i\u0307");
  });

  it("turns numbers and booleans into text, and refuses objects", () => {
    expect(run("toString", 29.99)).toBe("29.99");
    expect(run("toString", false)).toBe("false");
    expect(run("trim", 12345)).toBe("12345");
    expect(failure("toString", { a: 1 })).toBe("cannot read an object as text");
    expect(failure("trim", [1])).toBe("cannot read a list as text");
  });
});

describe("number parsing", () => {
  it("parseFloat reads dot decimals, exponents and numbers", () => {
    expect(run("parseFloat", " 29.99 ")).toBe(29.99);
    expect(run("parseFloat", "-3")).toBe(-3);
    expect(run("parseFloat", "1e3")).toBe(1000);
    expect(run("parseFloat", 7.5)).toBe(7.5);
  });

  it("parseFloat refuses anything that is not wholly a number", () => {
    expect(failure("parseFloat", "abc")).toBe("cannot read 'abc' as a number");
    expect(failure("parseFloat", "12abc")).toBe("cannot read '12abc' as a number");
    expect(failure("parseFloat", "29,99")).toBe("cannot read '29,99' as a number");
    expect(failure("parseFloat", "0x1F")).toBe("cannot read '0x1F' as a number");
    expect(failure("parseFloat", "Infinity")).toBe("cannot read 'Infinity' as a number");
    expect(failure("parseFloat", Number.NaN)).toBe("cannot read 'NaN' as a number");
    expect(failure("parseFloat", true)).toBe("cannot read 'true' as a number");
  });

  it("parseInt reads whole numbers, including a zero fraction", () => {
    expect(run("parseInt", "12")).toBe(12);
    expect(run("parseInt", "-3")).toBe(-3);
    expect(run("parseInt", "12.0")).toBe(12);
    expect(run("parseInt", " 7 ")).toBe(7);
    expect(run("parseInt", 40)).toBe(40);
  });

  it("parseInt refuses fractions, words and numbers beyond the safe range", () => {
    expect(failure("parseInt", "12.5")).toBe("cannot read '12.5' as a whole number");
    expect(failure("parseInt", "abc")).toBe("cannot read 'abc' as a whole number");
    expect(failure("parseInt", 2.5)).toBe("cannot read '2.5' as a whole number");
    expect(failure("parseInt", "99999999999999999999")).toBe("cannot read '99999999999999999999' as a whole number");
  });

  it("quotes at most 40 characters of the offending value", () => {
    const message = failure("parseDecimal", "x".repeat(100));
    expect(message).toBe(`cannot read '${"x".repeat(40)}…' as a decimal number`);
  });
});

describe("parseDecimal", () => {
  it.each([
    ["29,99", 29.99],
    ["29.99", 29.99],
    ["1.234,56", 1234.56],
    ["1,234.56", 1234.56],
    ["1.234.567", 1234567],
    ["1,234,567.89", 1234567.89],
    ["-3,5", -3.5],
    [",5", 0.5],
    ["12", 12],
    ["0,123", 0.123],
    ["1234,567", 1234.567],
  ])("reads %s as %d", (text, expected) => {
    expect(run("parseDecimal", text)).toBe(expected);
  });

  it("reads an ambiguous single separator before three digits as the decimal separator by default", () => {
    expect(run("parseDecimal", "1,234")).toBe(1.234);
    expect(run("parseDecimal", "1.234")).toBe(1.234);
  });

  it("lets the decimalSeparator option decide the ambiguous case", () => {
    expect(run("parseDecimal", "1,234", { decimalSeparator: "." })).toBe(1234);
    expect(run("parseDecimal", "1.234", { decimalSeparator: "," })).toBe(1234);
    expect(run("parseDecimal", "1,234", { decimalSeparator: "," })).toBe(1.234);
    expect(run("parseDecimal", "1.234", { decimalSeparator: "." })).toBe(1.234);
  });

  it("ignores the option when the text is unambiguous", () => {
    expect(run("parseDecimal", "29,99", { decimalSeparator: "." })).toBe(29.99);
    expect(run("parseDecimal", "1.234,56", { decimalSeparator: "." })).toBe(1234.56);
  });

  it("passes numbers through", () => {
    expect(run("parseDecimal", 12.5)).toBe(12.5);
  });

  it.each(["abc", "1,2,3", "12,34,567", "1.234,567.8", "5,", "", "1 234", "1e3"])("refuses %j", (text) => {
    expect(failure("parseDecimal", text)).toBe(`cannot read '${text}' as a decimal number`);
  });
});

describe("toBoolean", () => {
  it.each(["1", "true", "YES", "y", "Evet", "E", 1, true])("reads %j as true", (value) => {
    expect(run("toBoolean", value)).toBe(true);
  });

  it.each(["0", "False", "no", "N", "hayır", "HAYIR", "hayir", "h", 0, false])("reads %j as false", (value) => {
    expect(run("toBoolean", value)).toBe(false);
  });

  it("refuses other words", () => {
    expect(failure("toBoolean", "maybe")).toBe("cannot read 'maybe' as yes or no");
    expect(failure("toBoolean", 2)).toBe("cannot read '2' as yes or no");
  });
});

describe("arithmetic", () => {
  it("multiplies and divides numbers and numeric text without floating-point noise", () => {
    expect(run("multiply:100", 29.99)).toBe(2999);
    expect(run("multiply:100", "29,99")).toBe(2999);
    expect(run("multiply:-1", "5")).toBe(-5);
    expect(run("divide:100", 2999)).toBe(29.99);
    expect(run("divide:4", "1.234,56")).toBe(308.64);
  });

  it("rounds half away from zero to the given digits", () => {
    expect(run("round:2", 1.005)).toBe(1.01);
    expect(run("round:0", 2.5)).toBe(3);
    expect(run("round:0", -2.5)).toBe(-3);
    expect(run("round:1", "12,345")).toBe(12.3);
    expect(run("round:6", 0.1234564)).toBe(0.123456);
  });

  it("adds and removes VAT, rounded to cents", () => {
    expect(run("vatInclude:20", 100)).toBe(120);
    expect(run("vatInclude:18", "10,99")).toBe(12.97);
    expect(run("vatExclude:20", 120)).toBe(100);
    expect(run("vatExclude:18", 12.97)).toBe(10.99);
    expect(run("vatInclude:0", 5.555)).toBe(5.56);
  });

  it("refuses values that are not numbers", () => {
    expect(failure("multiply:2", "abc")).toBe("cannot read 'abc' as a number");
    expect(failure("round:2", null)).toBe("cannot read null as a number");
    expect(failure("vatInclude:20", true)).toBe("cannot read 'true' as a number");
  });
});

describe("dateYYYYMMDD", () => {
  it("writes compact dates as ISO dates", () => {
    expect(run("dateYYYYMMDD", "20240120")).toBe("2024-01-20");
    expect(run("dateYYYYMMDD", 20240229)).toBe("2024-02-29");
  });

  it("refuses text of the wrong shape and dates that do not exist", () => {
    expect(failure("dateYYYYMMDD", "2024-01-20")).toBe("cannot read '2024-01-20' as a date written YYYYMMDD");
    expect(failure("dateYYYYMMDD", "20230229")).toBe("'20230229' is not a real calendar date");
    expect(failure("dateYYYYMMDD", "20241301")).toBe("'20241301' is not a real calendar date");
    expect(failure("dateYYYYMMDD", "20240431")).toBe("'20240431' is not a real calendar date");
    expect(run("dateYYYYMMDD", "20000229")).toBe("2000-02-29");
    expect(failure("dateYYYYMMDD", "19000229")).toBe("'19000229' is not a real calendar date");
  });
});

describe("lookup", () => {
  const lookups = { units: { AD: "piece", KG: "kg", "1": "one" } };

  it("replaces a value with its entry in the named table", () => {
    expect(run("lookup:units", "AD", {}, lookups)).toBe("piece");
    expect(run("lookup:units", 1, {}, lookups)).toBe("one");
  });

  it("names the value and the table when there is no entry", () => {
    expect(failure("lookup:units", "LT", {}, lookups)).toBe("no entry for 'LT' in lookup table 'units'");
  });

  it("does not find inherited properties such as constructor", () => {
    expect(failure("lookup:units", "constructor", {}, lookups)).toBe(
      "no entry for 'constructor' in lookup table 'units'",
    );
  });
});

describe("pipelines", () => {
  it("run left to right", () => {
    expect(run("trim|parseDecimal|multiply:100", " 29,99 ")).toBe(2999);
    expect(run("trim | uppercase", "  çağ ")).toBe("ÇAĞ");
    expect(run("trim|uppercase|lookup:cur", " tl ", {}, { cur: { TL: "TRY" } })).toBe("TRY");
    expect(run("parseDecimal|vatInclude:20|round:0", "99,90")).toBe(120);
  });

  it("stop at the first failing step with its message", () => {
    expect(failure("trim|parseInt|multiply:2", " 1,5 ")).toBe("cannot read '1,5' as a whole number");
  });

  it("report every bad step of an invalid transformation string", () => {
    expect(parsePipeline("trimm|multiply:abc|round:9|divide:0", {}).errors).toEqual([
      expect.stringMatching(/^unknown transformation 'trimm'; valid: trim, uppercase, .*multiply:<number>/),
      "'multiply:abc': 'abc' is not a number",
      "'round:9': the number of digits must be a whole number from 0 to 6",
      "'divide:0': cannot divide by zero",
    ]);
  });

  it("report missing, unexpected and empty arguments and empty steps", () => {
    expect(parsePipeline("multiply|trim:x|lookup:|trim||uppercase", {}).errors).toEqual([
      "'multiply' needs an argument: multiply:<number>",
      "'trim' takes no argument",
      "'lookup' needs an argument: lookup:<table>",
      "'multiply|trim:x|lookup:|trim||uppercase' has an empty step; separate transformations with a single '|'",
    ]);
  });

  it("refuse a lookup of a table the document does not have, listing the ones it has", () => {
    expect(parsePipeline("lookup:sizes", { units: {} }).errors).toEqual([
      "'lookup:sizes': there is no lookup table 'sizes'; the tables are units",
    ]);
    expect(parsePipeline("lookup:sizes", {}).errors).toEqual([
      "'lookup:sizes': there is no lookup table 'sizes'; the mapping has no lookup tables",
    ]);
  });

  it("do not take Object.prototype members for transformations", () => {
    for (const name of ["constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect(parsePipeline(name, {}).errors[0]).toMatch(/^unknown transformation/);
    }
    expect(Object.keys(TRANSFORMATIONS)).toContain("toString");
  });
});
