import { UpstreamError } from "../net/upstream-error.ts";
import { UPLOAD_CHUNK_BYTES } from "./store.ts";

/**
 * Where the bytes of a file come from: an upload the gateway keeps (below), or a file host over
 * HTTP (src/connectors/csv/byte-source.ts). Connectors get one as `ConnectorContext.upload`.
 * The reader opens it once per page at the byte offset its cursor saved.
 */
export interface ByteSource {
  /**
   * The bytes from `offset` to the end. `etag` identifies the version read; when `expectedEtag`
   * is given and the source changed, it throws a permanent UpstreamError ("the file changed
   * during the sync; start a new sync").
   */
  open(offset: number, expectedEtag?: string): Promise<{ body: ReadableStream<Uint8Array>; etag: string | undefined }>;
}

/** The one message for a file that is not the version earlier pages were read from. */
export function fileChangedError(): UpstreamError {
  return new UpstreamError("connector", "the file changed during the sync; start a new sync", { retryable: false });
}

/** A stream without bytes. */
export function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.close();
    },
  });
}

/**
 * An upload as a ByteSource: chunks are read lazily in `seq` order, one query each, starting
 * inside the chunk that holds `offset`. An upload never changes, so its id is its etag.
 * Relies on every chunk but the last being UPLOAD_CHUNK_BYTES long, as storeUploadChunks writes them.
 */
export function uploadByteSource(db: D1Database, uploadId: string): ByteSource {
  const readChunk = async (seq: number): Promise<Uint8Array | null> => {
    const row = await db
      .prepare("SELECT data FROM upload_chunks WHERE upload_id = ? AND seq = ?")
      .bind(uploadId, seq)
      .first<{ data: ArrayBuffer | Uint8Array | number[] }>();
    if (!row) return null;
    // D1 hands BLOBs back as arrays of numbers (some runtimes as ArrayBuffer).
    return row.data instanceof Uint8Array ? row.data : new Uint8Array(row.data);
  };
  return {
    async open(offset, expectedEtag) {
      if (expectedEtag !== undefined && expectedEtag !== uploadId) throw fileChangedError();
      let seq = Math.floor(offset / UPLOAD_CHUNK_BYTES);
      // Read the first chunk now, so that a deleted upload fails here rather than mid-stream.
      const first = await readChunk(seq);
      if (!first) {
        if (offset > 0 && !(await hasChunks(db, uploadId))) {
          const message = `upload ${uploadId} has no stored data; it was deleted or never stored`;
          throw new UpstreamError("connector", message, { retryable: false });
        }
        return { body: emptyStream(), etag: uploadId };
      }
      let next: Uint8Array | null = first.subarray(offset - seq * UPLOAD_CHUNK_BYTES);
      // A short chunk is the last one: no need to ask D1 for one that is not there.
      let last = first.byteLength < UPLOAD_CHUNK_BYTES;
      // highWaterMark 0: a chunk is fetched only when the reader asks, not one ahead of it.
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            // Loop until something is enqueued or the stream is closed: a pull that does neither stalls the reader.
            for (;;) {
              if (next === null) {
                const data = last ? null : await readChunk(++seq);
                if (!data) {
                  controller.close();
                  return;
                }
                last = data.byteLength < UPLOAD_CHUNK_BYTES;
                next = data;
              }
              const out = next;
              next = null;
              if (out.byteLength > 0) {
                controller.enqueue(out);
                return;
              }
            }
          },
        },
        { highWaterMark: 0 },
      );
      return { body, etag: uploadId };
    },
  };
}

async function hasChunks(db: D1Database, uploadId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS found FROM upload_chunks WHERE upload_id = ? LIMIT 1")
    .bind(uploadId)
    .first();
  return row !== null;
}
