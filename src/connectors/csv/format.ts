import type { CsvEncoding } from "./decode.ts";

// The shapes the reader, the page collector and the connector share: how a file is written,
// where a page starts, and what a page holds.

export type Delimiter = "," | ";" | "\t";

/** How a file is written: the CSV connector's settings. */
export interface CsvFormat {
  delimiter: "auto" | Delimiter;
  encoding: CsvEncoding;
  hasHeader: boolean;
}

/** Where the next page starts, and what the first page learnt about the file. */
export interface CsvCursor {
  /** Byte offset of the next record. */
  offset: number;
  header: string[];
  delimiter: Delimiter;
  /** Data rows read so far, malformed ones included: row numbers continue from here. */
  rowsRead: number;
  /** The version of the file the first page read; later pages refuse another one. */
  etag?: string;
}

/** One page of rows, the rows that could not be read, and the cursor of the next page. */
export interface CsvPage {
  rows: Record<string, string>[];
  malformed: { row: number; key?: string; reason: string }[];
  /** Null when the file ended within this page. */
  next: CsvCursor | null;
}
