import { describe, expect, it } from "vitest";
import { detectDelimiter, readCsvPage } from "../../../src/connectors/csv/reader.ts";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import { concatBytes, csvFormat, memorySource, readAllPages, utf8, win1254 } from "../../helpers/bytes.ts";

const read = (text: string | Uint8Array, format = csvFormat(), limit = 1000) =>
  readCsvPage(memorySource(typeof text === "string" ? utf8(text) : text), format, null, limit);

describe("detectDelimiter", () => {
  it("picks the most frequent of comma, semicolon and tab", () => {
    expect(detectDelimiter("sku,name,price")).toBe(",");
    expect(detectDelimiter("sku;name;price,net")).toBe(";");
    expect(detectDelimiter("sku\tname\tprice;x")).toBe("\t");
  });

  it("ignores delimiters inside quotes and after the first line", () => {
    expect(detectDelimiter('sku;"a,b,c,d";price')).toBe(";");
    expect(detectDelimiter("sku;name\r\na,b,c,d,e")).toBe(";");
  });

  it("falls back to a comma on ties and on a single column", () => {
    expect(detectDelimiter("a;b,c")).toBe(",");
    expect(detectDelimiter("sku")).toBe(",");
  });
});

describe("readCsvPage: parsing", () => {
  it("reads RFC 4180 quoting: embedded delimiters, doubled quotes and newlines", async () => {
    const page = await read('sku,name,note\r\nA1,"Kupa, 30 cm","12"" ekran"\r\nA2,"iki\r\nsatır","x\ny"\r\n');
    expect(page.rows).toEqual([
      { sku: "A1", name: "Kupa, 30 cm", note: '12" ekran' },
      { sku: "A2", name: "iki\r\nsatır", note: "x\ny" },
    ]);
    expect(page.malformed).toEqual([]);
    expect(page.next).toBeNull();
  });

  it("detects semicolons and tabs, and honours an explicit delimiter", async () => {
    expect((await read("sku;price\nA;1,5\n")).rows).toEqual([{ sku: "A", price: "1,5" }]);
    expect((await read("sku\tprice\nA\t1,5\n")).rows).toEqual([{ sku: "A", price: "1,5" }]);
    const explicit = await read("sku;price,x\nA;1,5\n", csvFormat({ delimiter: ";" }));
    expect(explicit.rows).toEqual([{ sku: "A", "price,x": "1,5" }]);
  });

  it("strips a UTF-8 BOM, trims header names and keeps values as they are", async () => {
    const page = await read(concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8('"sku", name \nA1, Kupa \n')));
    expect(page.rows).toEqual([{ sku: "A1", name: " Kupa " }]);
  });

  it("names columns 1, 2, … from the first record when there is no header", async () => {
    const page = await read("A1;Kupa;5\nA2;Şal;7\n", csvFormat({ hasHeader: false }));
    expect(page.rows).toEqual([
      { "1": "A1", "2": "Kupa", "3": "5" },
      { "1": "A2", "2": "Şal", "3": "7" },
    ]);
  });

  it("skips empty lines and rows of bare delimiters without counting them", async () => {
    const page = await read("sku;stock\r\n\r\nA;1\r\n;\r\n\nB;2\r\n\r\n");
    expect(page.rows).toEqual([
      { sku: "A", stock: "1" },
      { sku: "B", stock: "2" },
    ]);
  });

  it("reads the last record without a final line break", async () => {
    expect((await read("sku,stock\nA,1\nB,2")).rows).toEqual([
      { sku: "A", stock: "1" },
      { sku: "B", stock: "2" },
    ]);
  });

  it("returns nothing for an empty file or a header alone", async () => {
    expect(await read("")).toEqual({ rows: [], malformed: [], next: null });
    expect(await read("sku,stock\r\n")).toEqual({ rows: [], malformed: [], next: null });
  });

  it("keeps a column named __proto__ as a plain value", async () => {
    const [row] = (await read("sku,__proto__\nA,x\n")).rows;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row ?? {})).toEqual(["sku", "__proto__"]);
  });
});

describe("readCsvPage: encodings", () => {
  const turkish = 'sku;name\r\nA1;ŞşİıĞğ ÜüÖöÇç\r\nA2;"Işık; Çay"\r\n';

  it("decodes windows-1254 so that Turkish letters come out right", async () => {
    const bytes = win1254(turkish);
    expect(Array.from(win1254("ŞşİıĞğ"))).toEqual([0xde, 0xfe, 0xdd, 0xfd, 0xd0, 0xf0]);
    const page = await read(bytes, csvFormat({ encoding: "windows-1254" }));
    expect(page.rows).toEqual([
      { sku: "A1", name: "ŞşİıĞğ ÜüÖöÇç" },
      { sku: "A2", name: "Işık; Çay" },
    ]);
  });

  it("decodes UTF-8 characters split across 1-byte chunks", async () => {
    const page = await readCsvPage(memorySource(utf8(turkish), { chunkSize: 1 }), csvFormat(), null, 10);
    expect(page.rows.map((r) => r.name)).toEqual(["ŞşİıĞğ ÜüÖöÇç", "Işık; Çay"]);
  });

  it("reports a windows-1254 row read as UTF-8 instead of returning mojibake", async () => {
    const bytes = concatBytes(utf8("sku;name\nA1;ok\n"), win1254("A2;Şal\n"), utf8("A3;Çay\n"));
    const page = await read(bytes);
    expect(page.rows).toEqual([
      { sku: "A1", name: "ok" },
      { sku: "A3", name: "Çay" },
    ]);
    expect(page.malformed).toEqual([{ row: 2, key: "A2", reason: expect.stringContaining("windows-1254") }]);
  });

  it("refuses a UTF-8 file (it has a BOM) configured as windows-1254, permanently", async () => {
    const bytes = concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8("sku;name\nA;Şal\n"));
    const error = await read(bytes, csvFormat({ encoding: "windows-1254" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("set encoding to utf-8") });
  });

  it("refuses a header that is not valid UTF-8, permanently", async () => {
    const error = await read(win1254("şube;ürün\nA;B\n")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(false);
    expect((error as UpstreamError).message).toContain("windows-1254");
  });
});

describe("readCsvPage: malformed rows", () => {
  it("reports rows with the wrong field count alone, with their row numbers", async () => {
    const page = await read(
      "sku,name,price,stock,currency\nA,a,1,2,TRY\nB,b,1\nC,c,1,2,TRY\nD,d,1,2,TRY,extra\nE,e,1,2,TRY\n",
    );
    expect(page.rows.map((r) => r.sku)).toEqual(["A", "C", "E"]);
    expect(page.malformed).toEqual([
      { row: 2, key: "B", reason: "row has 3 fields, the header has 5" },
      { row: 4, key: "D", reason: "row has 6 fields, the header has 5" },
    ]);
  });

  it("leaves the key out when the first field is empty", async () => {
    const page = await read("sku,name\n,x,y\n");
    expect(page.malformed).toEqual([{ row: 1, reason: "row has 3 fields, the header has 2" }]);
  });

  it("reports an unclosed quote at the end of the file and keeps the rows before it", async () => {
    const page = await read('sku,name\nA,ok\nB,"never closed\nC,lost\n');
    expect(page.rows).toEqual([{ sku: "A", name: "ok" }]);
    expect(page.malformed).toEqual([{ row: 2, key: "B", reason: expect.stringContaining("never closed") }]);
    expect(page.next).toBeNull();
  });

  it("gives up on a quoted field over 1 MiB (an unclosed quote) and reads no further", async () => {
    const text = `sku,name\nA,ok\nB,"open${"x".repeat(600_000)}\n${"C,y\n".repeat(150_000)}`;
    const page = await readCsvPage(memorySource(utf8(text), { chunkSize: 65_536 }), csvFormat(), null, 1000);
    expect(page.rows).toEqual([{ sku: "A", name: "ok" }]);
    expect(page.malformed).toEqual([{ row: 2, key: "B", reason: expect.stringContaining("longer than 1 MiB") }]);
    expect(page.next).toBeNull();
  });

  it("keeps stray quotes inside unquoted fields as text", async () => {
    const page = await read('sku,name\nA,12" ekran\nB,"x"y\n');
    expect(page.rows).toEqual([
      { sku: "A", name: '12" ekran' },
      { sku: "B", name: '"x"y' },
    ]);
  });

  it("numbers rows across pages", async () => {
    const source = memorySource(utf8("sku,n\nA,1\nB\nC,3\nD\nE,5\n"));
    const all = await readAllPages(source, csvFormat(), 2);
    expect(all.rows.map((r) => r.sku)).toEqual(["A", "C", "E"]);
    expect(all.malformed.map((m) => m.row)).toEqual([2, 4]);
    expect(all.pages).toBe(3);
  });
});
