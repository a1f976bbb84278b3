import { AppError } from "../../http/errors.ts";
import { UpstreamError } from "../../net/upstream-error.ts";
import { type ByteSource, emptyStream, fileChangedError } from "./byte-source.ts";

/** Bytes per `upload_chunks` row: well under D1's 2 MB row limit, and few rows per page read. */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

/**
 * Streams `body` into upload_chunks rows of UPLOAD_CHUNK_BYTES (the last one shorter) without
 * holding more than about one chunk in memory. Over maxBytes: deletes what it wrote and throws
 * AppError("PAYLOAD_TOO_LARGE", message naming the limit).
 *
 * @example const { bytes, chunks } = await storeUploadChunks(env.DB, uploadId, request.body, 50 * 1024 * 1024)
 */
export async function storeUploadChunks(
  db: D1Database,
  uploadId: string,
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<{ bytes: number; chunks: number }> {
  const reader = body.getReader();
  let chunk = new Uint8Array(UPLOAD_CHUNK_BYTES);
  let filled = 0;
  let bytes = 0;
  let chunks = 0;
  const flush = async (data: Uint8Array) => {
    await db
      .prepare("INSERT INTO upload_chunks (upload_id, seq, data) VALUES (?, ?, ?)")
      .bind(uploadId, chunks, data)
      .run();
    chunks++;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        throw new AppError("PAYLOAD_TOO_LARGE", `The upload is larger than the limit of ${describeBytes(maxBytes)}`);
      }
      let from = 0;
      while (from < value.byteLength) {
        const take = Math.min(value.byteLength - from, UPLOAD_CHUNK_BYTES - filled);
        chunk.set(value.subarray(from, from + take), filled);
        filled += take;
        from += take;
        if (filled === UPLOAD_CHUNK_BYTES) {
          await flush(chunk);
          // A fresh buffer rather than reuse: the bound one must not change under D1.
          chunk = new Uint8Array(UPLOAD_CHUNK_BYTES);
          filled = 0;
        }
      }
    }
    if (filled > 0) await flush(chunk.slice(0, filled));
    return { bytes, chunks };
  } catch (error) {
    await reader.cancel().catch(() => {});
    await deleteUploadChunks(db, uploadId);
    throw error;
  }
}

/** Removes every stored chunk of an upload (after its run, or when storing failed). */
export async function deleteUploadChunks(db: D1Database, uploadId: string): Promise<void> {
  await db.prepare("DELETE FROM upload_chunks WHERE upload_id = ?").bind(uploadId).run();
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

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
