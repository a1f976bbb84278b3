import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/http/csv.ts";

const columns = [
  { key: "text", header: "text" },
  { key: "n", header: "n" },
];
const lines = (csv: string) => csv.replace(/^\uFEFF/, "").split("\r\n");

describe("toCsv", () => {
  it.each([
    ["=SUM(A1)", "'=SUM(A1)"],
    ["+1+1", "'+1+1"],
    ["-1-1", "'-1-1"],
    ["@SUM(1)", "'@SUM(1)"],
    ["\tx", "'\tx"],
    ["\r=1", '"\'\r=1"'],
    ["＝1+1", "'＝1+1"], // full-width equals sign
    ['=HYPERLINK("https://evil.test","x")', '"\'=HYPERLINK(""https://evil.test"",""x"")"'],
  ])("neutralises a cell starting %j with a leading quote", (text, cell) => {
    expect(lines(toCsv(columns, [{ text, n: 1 }]))[1]).toBe(`${cell},1`);
  });

  it("leaves other text, negative numbers and an inner = alone, and quotes what needs quoting", () => {
    const csv = toCsv(columns, [
      { text: "a=b", n: -5 },
      { text: "Çaydanlık, büyük", n: 0 },
      { text: 'say "hi"', n: 2.5 },
      { text: null, n: undefined },
    ]);
    expect(lines(csv)).toEqual(["text,n", "a=b,-5", '"Çaydanlık, büyük",0', '"say ""hi""",2.5', ",", ""]);
  });

  it("starts with a UTF-8 BOM, ends lines with CRLF, writes objects as JSON and booleans as words", () => {
    const csv = toCsv(
      [
        { key: "details", header: "details" },
        { key: "ok", header: "ok" },
      ],
      [{ details: { name: "=x", n: 1 }, ok: false }],
    );
    expect(csv).toBe('\uFEFFdetails,ok\r\n"{""name"":""=x"",""n"":1}",false\r\n');
  });

  it("quotes a lone LF or CR, which a spreadsheet would take for the end of a row", () => {
    expect(
      lines(
        toCsv(columns, [
          { text: "a\nb", n: 1 },
          { text: "c\rd", n: 2 },
        ]),
      ).slice(1),
    ).toEqual(['"a\nb",1', '"c\rd",2', ""]);
  });

  it("round-trips through a CSV parser, formulas aside", () => {
    const rows = [
      { text: "line one\nline two", n: 1 },
      { text: "=1+1", n: 2 },
    ];
    const back = parse(toCsv(columns, rows), { bom: true, columns: true });
    expect(back).toEqual([
      { text: "line one\nline two", n: "1" },
      { text: "'=1+1", n: "2" },
    ]);
  });
});
