import { fromBase64, toBase64Url, utf8 } from "../../crypto/encoding.ts";
import { UpstreamError } from "../../net/upstream-error.ts";
import type { ByteSource } from "../../uploads/byte-source.ts";
import type { CapabilityReport, Connector, ConnectorContext, SourcePage } from "../definition.ts";
import { type FileAuth, httpByteSource } from "./byte-source.ts";
import type { CsvCursor, CsvFormat } from "./format.ts";
import { readCsvPage } from "./reader.ts";
import type { CsvCredentials, CsvSettings } from "./schemas.ts";

/**
 * The CSV connector: one stream of rows, read page by page from a file at an HTTPS URL (with
 * Range requests) or from an upload. The cursor is the reader's position (byte offset, header,
 * delimiter, rows read, ETag), base64url-encoded: opaque to everyone else.
 */
export function createCsvConnector(context: ConnectorContext<CsvCredentials, CsvSettings>): Connector {
  const { credentials, settings } = context;
  const format: CsvFormat = {
    delimiter: settings.delimiter,
    encoding: settings.encoding,
    hasHeader: settings.hasHeader,
  };

  const source = (): ByteSource => {
    if (context.upload) return context.upload;
    if (!credentials.url) {
      throw new UpstreamError(
        "connector",
        "This CSV integration has no url: upload files with POST /api/integrations/{id}/upload",
        {
          retryable: false,
        },
      );
    }
    return httpByteSource(context.fetch, credentials.url, authOf(credentials));
  };

  return {
    async fetchPage(_stream, cursor, pageSize): Promise<SourcePage> {
      const position = decodeCursor(cursor);
      const page = await readCsvPage(source(), format, position, pageSize);
      return {
        rows: page.rows,
        malformed: page.malformed,
        nextCursor: page.next ? encodeCursor(page.next) : null,
        firstRow: (position?.rowsRead ?? 0) + 1,
      };
    },

    async testConnection(): Promise<CapabilityReport> {
      try {
        const page = await readCsvPage(source(), format, null, 5);
        const message = `${page.rows.length} row(s) read; columns: ${page.next?.header.join(", ") ?? Object.keys(page.rows[0] ?? {}).join(", ")}`;
        return {
          ok: true,
          checks: [
            { capability: "auth", status: "ok" },
            { capability: "readItems", status: "ok", message },
            { capability: "readStock", status: "ok", message: "from the same file" },
            { capability: "readPrices", status: "ok", message: "from the same file" },
            { capability: "writeOrders", status: "unsupported" },
          ],
        };
      } catch (error) {
        // The report is about the file host; anything else (a rate-limit wait, a bug) is not.
        if (!(error instanceof UpstreamError)) throw error;
        const message = error.message;
        const denied = error.status === 401 || error.status === 403;
        return {
          ok: false,
          checks: [
            { capability: "auth", status: denied ? "failed" : "ok", ...(denied ? { message } : {}) },
            { capability: "readItems", status: "failed", message },
            { capability: "readStock", status: "failed", message },
            { capability: "readPrices", status: "failed", message },
            { capability: "writeOrders", status: "unsupported" },
          ],
        };
      }
    },
  };
}

function authOf(c: CsvCredentials): FileAuth | undefined {
  if (c.bearerToken) return { bearerToken: c.bearerToken };
  if (c.username && c.password) return { username: c.username, password: c.password };
  return undefined;
}

function encodeCursor(cursor: CsvCursor): string {
  return toBase64Url(utf8.encode(JSON.stringify(cursor)));
}

function decodeCursor(cursor: string | null): CsvCursor | null {
  if (cursor === null) return null;
  try {
    return JSON.parse(utf8.decode(fromBase64(cursor))) as CsvCursor;
  } catch {
    throw new UpstreamError("connector", "The CSV cursor of this job is unreadable; start a new sync", {
      retryable: false,
    });
  }
}
