import { UpstreamError } from "../../net/upstream-error.ts";
import type { ByteSource } from "../../uploads/byte-source.ts";
import { fieldDecoder } from "./decode.ts";
import type { CsvCursor, CsvFormat, CsvPage, Delimiter } from "./format.ts";
import { PageCollector } from "./page-collector.ts";
import { createRecordParser } from "./record-parser.ts";

// The page shapes are the reader's API; callers (and test/helpers/bytes.ts) name them from here.

const DELIMITERS: readonly Delimiter[] = [",", ";", "\t"];
/** The header line is read before parsing to find the delimiter; a longer one is cut here. */
const MAX_HEADER_LINE_BYTES = 64 * 1024;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The delimiter a header line uses: the most frequent of `,` `;` and tab outside double
 * quotes, up to the first line break outside quotes. Ties (and a line with none) give `,`.
 *
 * @example detectDelimiter('sku;name;"price; TRY"') // ";"
 */
export function detectDelimiter(firstLine: string): Delimiter {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: Delimiter = ",";
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * Reads up to `limit` data records from `cursor` (null: the start of the file, header first)
 * and stops: the body is cancelled once one record past the page is seen, so a page costs
 * about its own bytes whatever the file's size. Reading page by page yields exactly the rows of
 * one big page. Records with the wrong field count, undecodable bytes or a syntax error are
 * reported in `malformed` with their 1-based data row number instead of failing the page; a
 * syntax error (an unclosed quote) ends the file, as nothing after it can be trusted.
 *
 * @example
 * let page = await readCsvPage(source, { delimiter: "auto", encoding: "utf-8", hasHeader: true }, null, 500)
 * while (page.next) page = await readCsvPage(source, format, page.next, 500)
 */
export async function readCsvPage(
  source: ByteSource,
  format: CsvFormat,
  cursor: CsvCursor | null,
  limit: number,
): Promise<CsvPage> {
  const opened = await source.open(cursor?.offset ?? 0, cursor?.etag);
  const etag = opened.etag ?? cursor?.etag;
  const reader = opened.body.getReader();
  try {
    let chunk: Uint8Array | undefined;
    let ended = false;
    let base = cursor?.offset ?? 0;
    let delimiter = cursor?.delimiter;
    if (!delimiter) {
      const head = await readFirstLine(reader);
      const bom = UTF8_BOM.every((b, i) => head.bytes[i] === b) ? UTF8_BOM.length : 0;
      if (bom && format.encoding !== "utf-8") {
        // Only UTF-8 files start with these bytes; decoding on would turn every Turkish letter into two.
        const message = `the file starts with a UTF-8 byte order mark but encoding is ${format.encoding}; set encoding to utf-8`;
        throw new UpstreamError("connector", message, { retryable: false });
      }
      chunk = head.bytes.subarray(bom);
      base += bom;
      ended = head.ended;
      delimiter =
        format.delimiter === "auto" ? detectDelimiter(new TextDecoder("latin1").decode(chunk)) : format.delimiter;
    }
    const parser = createRecordParser(delimiter);
    const collector = new PageCollector(fieldDecoder(format.encoding), format, cursor, Math.max(1, Math.floor(limit)));
    for (;;) {
      if (chunk !== undefined || ended) {
        const { records, error } = parser.feed(chunk, ended);
        for (const record of records) {
          if (!collector.add(record.fields, base + record.end)) break;
        }
        if (collector.full) break;
        if (error) {
          collector.syntaxError(error.code, parser.partialRecord());
          break;
        }
        if (ended) break;
      }
      const next = await reader.read();
      ended = next.done;
      chunk = next.value;
    }
    return {
      rows: collector.rows,
      malformed: collector.malformed,
      next:
        collector.full && collector.header
          ? {
              offset: collector.offset,
              header: collector.header,
              delimiter,
              rowsRead: collector.rowsRead,
              ...(etag !== undefined ? { etag } : {}),
            }
          : null,
    };
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The bytes up to the first line break outside quotes (or the end, or the size cap), unconsumed by parsing. */
async function readFirstLine(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<{ bytes: Uint8Array; ended: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  let quoted = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { bytes: concat(parts, size), ended: true };
    parts.push(value);
    size += value.byteLength;
    for (const byte of value) {
      if (byte === 0x22) quoted = !quoted;
      else if (!quoted && (byte === 0x0a || byte === 0x0d)) return { bytes: concat(parts, size), ended: false };
    }
    if (size >= MAX_HEADER_LINE_BYTES) return { bytes: concat(parts, size), ended: false };
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
