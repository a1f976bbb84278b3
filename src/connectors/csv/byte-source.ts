import { UpstreamError } from "../../net/upstream-error.ts";
import { type ByteSource, emptyStream, fileChangedError } from "../../uploads/byte-source.ts";

// The reader's callers (and test/helpers/bytes.ts) name the interface from here, next to the HTTP one.

/** Basic or bearer credentials for the file host. */
export type FileAuth = { username: string; password: string } | { bearerToken: string };

/**
 * A file on an HTTP(S) host, read with `Range: bytes=<offset>-`. Hosts without range support
 * answer 200 with the whole file; the first `offset` bytes are then dropped as they stream by,
 * never buffered.
 *
 * @example const source = httpByteSource(ctx.fetch, "https://files.example.com/stock.csv", { bearerToken })
 */
export function httpByteSource(
  fetch: (url: string, init?: RequestInit) => Promise<Response>,
  url: string,
  auth?: FileAuth,
): ByteSource {
  return {
    async open(offset, expectedEtag) {
      const headers = new Headers({ "Accept-Encoding": "identity" });
      if (auth && "bearerToken" in auth) headers.set("Authorization", `Bearer ${auth.bearerToken}`);
      if (auth && "username" in auth) headers.set("Authorization", basicAuth(auth.username, auth.password));
      if (offset > 0) {
        headers.set("Range", `bytes=${offset}-`);
        // Only a strong ETag may go in If-Range (RFC 9110); weak ones and Last-Modified are compared below.
        if (expectedEtag?.startsWith('"')) headers.set("If-Range", expectedEtag);
      }
      let response: Response;
      try {
        response = await fetch(url, { headers });
      } catch (error) {
        // Only a network failure (a TypeError, by the fetch standard) is ours to describe; the
        // guarded fetch's own errors (refused URL, rate-limit wait) pass through as they are.
        if (!(error instanceof TypeError)) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new UpstreamError("connector", `could not reach the file host: ${reason}`, {
          retryable: true,
          cause: error,
        });
      }
      const etag = versionOf(response);
      const ok = response.status === 200 || response.status === 206 || response.status === 416;
      if (!ok || (expectedEtag && etag && etag !== expectedEtag)) {
        await discard(response.body);
        throw ok ? fileChangedError() : statusError(response);
      }
      // The range starts at or past the end: nothing is left to read.
      if (response.status === 416) return { body: emptyStream(), etag: etag ?? expectedEtag };
      const body = response.body ?? emptyStream();
      if (response.status === 206) {
        const start = contentRangeStart(response.headers.get("content-range"));
        if (start !== undefined && start !== offset) {
          await discard(body);
          throw new UpstreamError("connector", `the file host answered a range starting at ${start}, not ${offset}`, {
            retryable: false,
          });
        }
        return { body, etag };
      }
      return { body: offset > 0 ? skipBytes(body, offset) : body, etag };
    },
  };
}

/**
 * What identifies the version of the file: its ETag, else its Last-Modified date, so that a
 * host without ETags still cannot swap the file between pages unnoticed when it dates it.
 */
function versionOf(response: Response): string | undefined {
  const etag = response.headers.get("etag");
  if (etag) return etag;
  const lastModified = response.headers.get("last-modified");
  return lastModified ? `last-modified: ${lastModified}` : undefined;
}

function basicAuth(username: string, password: string): string {
  // btoa only takes Latin-1 text; credentials may be any UTF-8, so encode them to bytes first.
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function statusError(response: Response): UpstreamError {
  const status = response.status;
  if (status === 401 || status === 403) {
    return new UpstreamError("connector", `the file host refused the credentials (HTTP ${status})`, {
      retryable: false,
      status,
    });
  }
  if (status === 404) {
    return new UpstreamError("connector", "the file host has no file at the configured URL (HTTP 404)", {
      retryable: false,
      status,
    });
  }
  const detail = status >= 300 && status < 400 ? "redirects are not followed to files" : "";
  return UpstreamError.fromResponse("connector", response, "the file host", detail);
}

/** `bytes 100-199/1000` → 100; undefined when absent or unreadable. */
function contentRangeStart(value: string | null): number | undefined {
  const match = value ? /^bytes\s+(\d+)-/i.exec(value.trim()) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}

/** Lets go of a body that will not be read, so the connection is freed; a broken one is no news. */
async function discard(body: ReadableStream | null): Promise<void> {
  await body?.cancel().catch(() => {});
}

/** `body` without its first `count` bytes, pulled chunk by chunk so nothing piles up in memory. */
export function skipBytes(body: ReadableStream<Uint8Array>, count: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let toSkip = count;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          if (value.byteLength <= toSkip) {
            toSkip -= value.byteLength;
            continue;
          }
          controller.enqueue(toSkip > 0 ? value.subarray(toSkip) : value);
          toSkip = 0;
          return;
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    // Pull only when the reader asks, so nothing is read ahead of the parser.
    { highWaterMark: 0 },
  );
}
