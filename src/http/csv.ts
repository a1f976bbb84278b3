import { stringify } from "csv-stringify/sync";
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

/** One column of a CSV the gateway writes: where its value comes from, and its header. */
export interface CsvColumn {
  key: string;
  header: string;
}

/**
 * A CSV for people to open in a spreadsheet: a header row, RFC 4180 quoting, CRLF line ends,
 * and a UTF-8 byte order mark (without it, Excel reads the file in the Windows code page and
 * garbles ş, ğ, İ). Every cell starting with `=`, `+`, `-`, `@`, tab or CR (or their full-width
 * forms) gets a leading `'`, so a spreadsheet shows it as text instead of running it as a
 * formula (OWASP "CSV Injection"): audit entries carry text callers chose, such as a token's
 * `sub` or an integration's name. Numbers keep their sign. Objects are written as JSON.
 *
 * Only for files the gateway hands to people: data pushed to the platform is never rewritten.
 *
 * @example toCsv([{ key: "id", header: "id" }], [{ id: "=1+1" }]) // "\uFEFFid\r\n'=1+1\r\n"
 */
export function toCsv(columns: CsvColumn[], rows: Record<string, unknown>[]): string {
  return stringify(rows, {
    columns,
    header: true,
    bom: true,
    record_delimiter: "windows",
    // Quote a lone CR or LF too: spreadsheets end a row at either, not only at CRLF.
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: {
      boolean: (value) => String(value),
      date: (value) => value.toISOString(),
      object: (value) => JSON.stringify(value),
    },
  });
}

/**
 * A CSV download: `text/csv; charset=utf-8`, saved as `filename` rather than shown inline.
 *
 * @example return csvResponse(c, "audit.csv", toCsv(columns, rows))
 */
export function csvResponse(c: Context<AppEnv>, filename: string, csv: string, headers: Record<string, string> = {}) {
  return c.body(csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    ...headers,
  });
}
