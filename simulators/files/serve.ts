/** What a file host knows about one file it serves. */
export interface ServedFile {
  bytes: Uint8Array;
  /** Quoted, derived from the content. */
  etag: string;
  /** When set, GETs must carry exactly this Authorization header. */
  requireAuthorization?: string | undefined;
  /** Ignore Range: always 200 with the whole body, like hosts without range support. */
  noRange?: boolean | undefined;
  /** The next this many GETs answer 503 with Retry-After: 1. */
  failNext?: number | undefined;
}

/** A strong ETag from the content: the first 16 bytes of its SHA-256, quoted. */
export async function contentEtag(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
}

/**
 * Answers a GET the way a static file host does: faults first (503, 401), then Range
 * (`bytes=N-` or `bytes=N-M`) honoured with a 206 unless `If-Range` names another version
 * (then 200 with the whole file), 416 when the range starts past the end.
 */
export function serveFile(request: Request, file: ServedFile): Response {
  if (file.failNext && file.failNext > 0) {
    file.failNext--;
    return new Response("temporarily unavailable", { status: 503, headers: { "Retry-After": "1" } });
  }
  if (file.requireAuthorization !== undefined && request.headers.get("authorization") !== file.requireAuthorization) {
    return new Response("unauthorized", { status: 401, headers: { "WWW-Authenticate": 'Basic realm="files"' } });
  }
  const size = file.bytes.byteLength;
  const headers = new Headers({
    "Content-Type": "text/csv",
    ETag: file.etag,
    "Accept-Ranges": file.noRange ? "none" : "bytes",
  });
  const range = file.noRange ? null : parseRange(request.headers.get("range"));
  const ifRange = request.headers.get("if-range");
  if (!range || (ifRange !== null && ifRange !== file.etag)) {
    headers.set("Content-Length", String(size));
    return new Response(file.bytes, { status: 200, headers });
  }
  if (range.start >= size) {
    headers.set("Content-Range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const end = Math.min(range.end ?? size - 1, size - 1);
  headers.set("Content-Range", `bytes ${range.start}-${end}/${size}`);
  headers.set("Content-Length", String(end - range.start + 1));
  return new Response(file.bytes.subarray(range.start, end + 1), { status: 206, headers });
}

/** `bytes=N-` or `bytes=N-M`; anything else (suffix ranges, several ranges) is ignored, as RFC 9110 allows. */
function parseRange(value: string | null): { start: number; end: number | undefined } | null {
  const match = value ? /^bytes=(\d+)-(\d*)$/.exec(value.trim()) : null;
  if (!match) return null;
  const start = Number(match[1]);
  const end = match[2] ? Number(match[2]) : undefined;
  return end !== undefined && end < start ? null : { start, end };
}
