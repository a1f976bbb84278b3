import { describe, expect, it } from "vitest";
import { readCsvPage } from "../../../src/connectors/csv/reader.ts";
import { csvFormat, memorySource, readAllPages, utf8, win1254 } from "../../helpers/bytes.ts";

/** A file with everything that can go wrong at a page boundary. */
function trickyCsv(eol: string, rows = 60): string {
  const lines = ["sku;name;price;stock"];
  for (let i = 1; i <= rows; i++) {
    const sku = `SKU-${i}`;
    if (i % 11 === 0) lines.push(`${sku};short`);
    else if (i % 5 === 0) lines.push(`${sku};"Çok${eol}satırlı; ""özel"" ürün";"${i},50";${i}`);
    else if (i % 3 === 0) lines.push(`${sku};"Işık ""${i}"" ${eol}";${i},00;${i}`);
    else lines.push(`${sku};Şal Ğğİı Üü Öö Çç ${i};${i},25;${i}`);
    if (i % 13 === 0) lines.push("");
  }
  return lines.join(eol) + eol;
}

const cases = [
  { name: "UTF-8, CRLF", encoding: "utf-8", eol: "\r\n" },
  { name: "UTF-8, LF", encoding: "utf-8", eol: "\n" },
  { name: "windows-1254, CRLF", encoding: "windows-1254", eol: "\r\n" },
  { name: "windows-1254, LF", encoding: "windows-1254", eol: "\n" },
] as const;

describe("readCsvPage: paging", () => {
  for (const c of cases) {
    it(`gives the same rows page by page as in one page (${c.name})`, async () => {
      const text = trickyCsv(c.eol);
      const bytes = c.encoding === "utf-8" ? utf8(text) : win1254(text);
      const format = csvFormat({ encoding: c.encoding });
      const whole = await readCsvPage(memorySource(bytes), format, null, 100_000);
      expect(whole.next).toBeNull();
      expect(whole.rows).toHaveLength(55);
      expect(whole.malformed.map((m) => m.row)).toEqual([11, 22, 33, 44, 55]);
      expect(whole.rows.find((r) => r.sku === "SKU-5")?.name).toBe(`Çok${c.eol}satırlı; "özel" ürün`);
      for (const limit of [1, 7, 100]) {
        const paged = await readAllPages(memorySource(bytes, { chunkSize: 5 }), format, limit);
        expect(paged.rows).toEqual(whole.rows);
        expect(paged.malformed).toEqual(whole.malformed);
        expect(paged.pages).toBe(Math.max(1, Math.ceil(60 / limit)));
      }
    });
  }

  it("returns a null cursor when the last page is exactly full", async () => {
    const page = await readCsvPage(memorySource(utf8("sku\nA\nB\n\n")), csvFormat(), null, 2);
    expect(page.rows).toHaveLength(2);
    expect(page.next).toBeNull();
  });

  it("carries header, delimiter, row count and etag in the cursor, and asks for that etag later", async () => {
    const source = memorySource(utf8("sku;stock\nA;1\nB;2\nC;3\n"), { etag: '"v1"' });
    const first = await readCsvPage(source, csvFormat(), null, 2);
    expect(first.next).toEqual({ offset: 18, header: ["sku", "stock"], delimiter: ";", rowsRead: 2, etag: '"v1"' });
    const second = await readCsvPage(source, csvFormat(), first.next, 2);
    expect(second.rows).toEqual([{ sku: "C", stock: "3" }]);
    expect(source.opens).toEqual([
      { offset: 0, expectedEtag: undefined },
      { offset: 18, expectedEtag: '"v1"' },
    ]);
  });

  it("stops reading once a page is full instead of reading the whole file", async () => {
    const lines = ["sku,name"];
    for (let i = 0; i < 20_000; i++) lines.push(`SKU-${i},Ürün ${i}`);
    const source = memorySource(utf8(lines.join("\n")), { chunkSize: 1024 });
    const page = await readCsvPage(source, csvFormat(), null, 100);
    expect(page.rows).toHaveLength(100);
    expect(source.bytesPulled).toBeLessThan(5 * 1024);
  });
});
