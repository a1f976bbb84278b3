import { UpstreamError } from "../../net/upstream-error.ts";
import { type FieldDecoder, undecodableReason } from "./decode.ts";
import type { CsvCursor, CsvFormat, CsvPage } from "./format.ts";
import { MAX_RECORD_BYTES } from "./record-parser.ts";

/**
 * Turns raw records into one page: the header first (on the first page), then up to `limit`
 * data rows. It notes the byte offset after the last record it took, and sets `full` when it
 * is offered one more record than fits, which is how the reader knows the file goes on.
 */
export class PageCollector {
  header: string[] | null;
  rowsRead: number;
  /** Absolute byte offset just after the last record taken. */
  offset: number;
  /** A record beyond the page exists: there is a next page. */
  full = false;
  readonly rows: CsvPage["rows"] = [];
  readonly malformed: CsvPage["malformed"] = [];
  private taken = 0;
  private readonly decoder: FieldDecoder;
  private readonly format: CsvFormat;
  private readonly limit: number;

  constructor(decoder: FieldDecoder, format: CsvFormat, cursor: CsvCursor | null, limit: number) {
    this.decoder = decoder;
    this.format = format;
    this.limit = limit;
    this.header = cursor?.header ?? null;
    this.rowsRead = cursor?.rowsRead ?? 0;
    this.offset = cursor?.offset ?? 0;
  }

  /** Takes one record ending at byte `end`; false once the page is full and reading should stop. */
  add(fields: Uint8Array[], end: number): boolean {
    // Rows of nothing but delimiters (`;;;;`) are what Excel writes for blank lines.
    if (fields.every(isBlank)) {
      if (this.taken < this.limit) this.offset = end;
      return true;
    }
    if (this.header === null) {
      if (this.format.hasHeader) {
        this.header = this.readHeader(fields);
        this.offset = end;
        return true;
      }
      this.header = fields.map((_, i) => String(i + 1));
    }
    if (this.taken === this.limit) {
      this.full = true;
      return false;
    }
    this.taken++;
    this.rowsRead++;
    this.offset = end;
    const row = this.rowsRead;
    const key = this.keyOf(fields);
    const source = this.format.hasHeader ? "the header" : "the first row";
    if (fields.length !== this.header.length) {
      this.reject(row, key, `row has ${fields.length} fields, ${source} has ${this.header.length}`);
      return true;
    }
    const values = fields.map((field) => this.decoder.decode(field));
    if (values.some((value) => value === undefined)) {
      this.reject(row, key, undecodableReason(this.format.encoding));
      return true;
    }
    // A NUL is never text: it truncates strings in C-based systems downstream and is how a
    // binary file or a UTF-16 export read with the wrong encoding shows. Refuse the row.
    const withNul = values.findIndex((value) => value?.includes("\u0000"));
    if (withNul >= 0) {
      this.reject(row, key, `column '${this.header[withNul]}' contains a NUL character (byte 0)`);
      return true;
    }
    // fromEntries defines own properties, so a column named __proto__ stays a plain column.
    this.rows.push(Object.fromEntries(this.header.map((name, i) => [name, values[i] ?? ""])));
    return true;
  }

  /** A record the parser gave up on; nothing after it is read, unless it lies beyond this page. */
  syntaxError(code: string, partial: Uint8Array[]): void {
    if (this.taken === this.limit) {
      // The next page starts at this record and reports it there, as one big page would.
      this.full = true;
      return;
    }
    const reason =
      code === "CSV_QUOTE_NOT_CLOSED"
        ? "row has a quote that is never closed; the file ends inside a quoted field"
        : code === "CSV_MAX_RECORD_SIZE"
          ? `row is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB, most likely because of an unclosed quote; the rest of the file was not read`
          : `row could not be parsed (${code}); the rest of the file was not read`;
    if (this.header === null && this.format.hasHeader) {
      throw new UpstreamError("connector", `the CSV header: ${reason}`, { retryable: false });
    }
    this.rowsRead++;
    this.reject(this.rowsRead, this.keyOf(partial), reason);
  }

  private readHeader(fields: Uint8Array[]): string[] {
    return fields.map((field) => {
      const name = this.decoder.decode(field);
      if (name === undefined) {
        throw new UpstreamError("connector", `the CSV header ${undecodableReason(this.format.encoding)}`, {
          retryable: false,
        });
      }
      if (name.includes("\u0000")) {
        throw new UpstreamError("connector", "the CSV header contains a NUL character (byte 0)", { retryable: false });
      }
      return name.trim();
    });
  }

  private keyOf(fields: Uint8Array[]): string | undefined {
    const first = fields[0] ? this.decoder.loose(fields[0]).trim() : "";
    return first === "" ? undefined : first;
  }

  private reject(row: number, key: string | undefined, reason: string): void {
    this.malformed.push(key === undefined ? { row, reason } : { row, key, reason });
  }
}

function isBlank(field: Uint8Array): boolean {
  return field.every((byte) => byte === 0x20 || byte === 0x09);
}
