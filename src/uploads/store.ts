import { eq } from "drizzle-orm";
import { getDb } from "../db/client.ts";
import { uploads } from "../db/schema.ts";
import { AppError } from "../http/errors.ts";

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

/** Removes an upload altogether: its chunks and its `uploads` row. */
export async function deleteUpload(env: Pick<Env, "DB">, uploadId: string): Promise<void> {
  await deleteUploadChunks(env.DB, uploadId);
  await getDb(env).delete(uploads).where(eq(uploads.id, uploadId));
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
