import { encodeText } from "../../simulators/files/catalogue.ts";
import type { CsvCursor, CsvFormat, CsvPage } from "../../src/connectors/csv/format.ts";
import { readCsvPage } from "../../src/connectors/csv/reader.ts";
import type { ByteSource } from "../../src/uploads/byte-source.ts";

/** Text as UTF-8 bytes. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Text as windows-1254 bytes (Turkish Excel on Windows). */
export const win1254 = (text: string): Uint8Array => encodeText(text, "windows-1254");

/** Byte arrays joined. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A stream handing out `bytes` in chunks of `chunkSize`, only as they are pulled. */
export function chunkedStream(
  bytes: Uint8Array,
  chunkSize = 7,
  onPull?: (n: number) => void,
): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (at >= bytes.byteLength) {
          controller.close();
          return;
        }
        const chunk = bytes.slice(at, at + chunkSize);
        at += chunk.byteLength;
        onPull?.(chunk.byteLength);
        controller.enqueue(chunk);
      },
    },
    // No read-ahead: bytes are handed out only when asked for, so counts show what a reader needed.
    { highWaterMark: 0 },
  );
}

/** An in-memory ByteSource that yields tiny chunks and counts what was opened and pulled. */
export interface MemorySource extends ByteSource {
  opens: { offset: number; expectedEtag: string | undefined }[];
  /** Bytes handed to readers, all opens together. */
  bytesPulled: number;
}

export function memorySource(bytes: Uint8Array, options: { chunkSize?: number; etag?: string } = {}): MemorySource {
  const source: MemorySource = {
    opens: [],
    bytesPulled: 0,
    async open(offset, expectedEtag) {
      source.opens.push({ offset, expectedEtag });
      const body = chunkedStream(bytes.subarray(offset), options.chunkSize ?? 7, (n) => {
        source.bytesPulled += n;
      });
      return { body, etag: options.etag };
    },
  };
  return source;
}

/** Every page of a file at `limit` rows per page, merged, with the page count. */
export async function readAllPages(
  source: ByteSource,
  format: CsvFormat,
  limit: number,
): Promise<{ rows: CsvPage["rows"]; malformed: CsvPage["malformed"]; pages: number; cursors: CsvCursor[] }> {
  const rows: CsvPage["rows"] = [];
  const malformed: CsvPage["malformed"] = [];
  const cursors: CsvCursor[] = [];
  let cursor: CsvCursor | null = null;
  let pages = 0;
  do {
    const page: CsvPage = await readCsvPage(source, format, cursor, limit);
    pages++;
    rows.push(...page.rows);
    malformed.push(...page.malformed);
    cursor = page.next;
    if (cursor) cursors.push(cursor);
    if (pages > 100_000) throw new Error("readAllPages: too many pages");
  } while (cursor);
  return { rows, malformed, pages, cursors };
}

/** The format most tests use. */
export const csvFormat = (overrides: Partial<CsvFormat> = {}): CsvFormat => ({
  delimiter: "auto",
  encoding: "utf-8",
  hasHeader: true,
  ...overrides,
});

/** `bytes` gzip-compressed, as a client sends a `Content-Encoding: gzip` body. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
