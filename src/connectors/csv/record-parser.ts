import { Buffer } from "node:buffer";
import { CsvError, Parser } from "csv-parse";

/** One CSV record as raw field bytes, and where it ends. */
export interface RawRecord {
  fields: Uint8Array[];
  /** Bytes fed to the parser up to the end of this record, its line break included. */
  end: number;
}

/** Feeds bytes in, gets whole records out: a thin wrapper over csv-parse's incremental core. */
export interface RecordParser {
  /**
   * Parses `chunk` (undefined once the input has ended) and returns the records it completed.
   * A syntax error comes back as `error` together with the records completed before it.
   */
  feed(chunk: Uint8Array | undefined, end: boolean): { records: RawRecord[]; error?: CsvError };
  /** The fields of the record being read when an error occurred (its first one names it). */
  partialRecord(): Uint8Array[];
}

/** A record longer than this is refused: it is almost certainly an unclosed quote swallowing the file. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** The part of csv-parse's `transform` API that `csv-parse/sync` and `csv-parse/stream` drive. */
interface TransformApi {
  parse(
    buf: Buffer | undefined,
    end: boolean,
    push: (record: { record: Uint8Array[]; info: { bytes: number } }) => void,
    close: () => void,
  ): Error | undefined;
  state: { record: Uint8Array[] };
}

/**
 * A record parser for one delimiter. It works on bytes (`encoding: null`): fields come out
 * undecoded, so a multibyte character split across network chunks is never cut, and
 * `info.bytes` gives exact offsets to resume from. Line ends are fixed to CRLF, LF or CR rather
 * than discovered from the first line, so that a page starting mid-file parses exactly as the
 * same bytes would in one pass. Stray quotes inside unquoted fields are kept as text
 * (`relax_quotes`), as spreadsheet programs do; field counts are checked by the caller.
 */
export function createRecordParser(delimiter: string): RecordParser {
  const api = createApi(delimiter);
  let records: RawRecord[] = [];
  const push = (record: { record: Uint8Array[]; info: { bytes: number } }) => {
    records.push({ fields: record.record, end: record.info.bytes });
  };
  return {
    feed(chunk, end) {
      records = [];
      const buf = chunk ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : undefined;
      const error = api.parse(buf, end, push, () => {});
      if (error !== undefined && !(error instanceof CsvError)) throw error;
      return error ? { records, error } : { records };
    },
    partialRecord() {
      return api.state.record;
    },
  };
}

/**
 * `Parser` is csv-parse's Node stream; its `api` is the same incremental core that the package's
 * sync and web-stream entry points drive, which the package does not export on its own. Driving
 * it directly keeps parsing synchronous per chunk, so reading can stop at an exact record.
 */
function createApi(delimiter: string): TransformApi {
  const parser = new Parser({
    delimiter,
    encoding: null,
    bom: false,
    info: true,
    quote: '"',
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const api = (parser as unknown as { api?: TransformApi }).api;
  if (!api || typeof api.parse !== "function") {
    throw new Error("csv-parse no longer exposes Parser.api; update src/connectors/csv/record-parser.ts");
  }
  return api;
}
