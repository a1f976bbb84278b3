import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readCsvPage } from "../../src/connectors/csv/reader.ts";
import { AppError } from "../../src/http/errors.ts";
import { UpstreamError } from "../../src/net/upstream-error.ts";
import { uploadByteSource } from "../../src/uploads/byte-source.ts";
import { deleteUploadChunks, storeUploadChunks, UPLOAD_CHUNK_BYTES } from "../../src/uploads/store.ts";
import { chunkedStream, csvFormat, readAllPages, utf8 } from "../helpers/bytes.ts";

const uploadId = () => `upl_${crypto.randomUUID().replaceAll("-", "")}`;

/** Deterministic bytes that differ from one position to the next. */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + (i >>> 8)) & 0xff);
}

async function chunkLengths(id: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    "SELECT length(data) AS n, typeof(data) AS type FROM upload_chunks WHERE upload_id = ? ORDER BY seq",
  )
    .bind(id)
    .all<{ n: number; type: string }>();
  expect(results.every((r) => r.type === "blob")).toBe(true);
  return results.map((r) => r.n);
}

async function readFrom(id: string, offset: number): Promise<Uint8Array> {
  const { body, etag } = await uploadByteSource(env.DB, id).open(offset);
  expect(etag).toBe(id);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe("upload store", () => {
  it("stores a 1.3 MB upload in 512 KiB chunks and reads it back byte-identical from any offset", async () => {
    const id = uploadId();
    const bytes = pattern(1_300_000);
    const stored = await storeUploadChunks(env.DB, id, chunkedStream(bytes, 100_003), 2_000_000);
    expect(stored).toEqual({ bytes: 1_300_000, chunks: 3 });
    expect(await chunkLengths(id)).toEqual([
      UPLOAD_CHUNK_BYTES,
      UPLOAD_CHUNK_BYTES,
      1_300_000 - 2 * UPLOAD_CHUNK_BYTES,
    ]);
    for (const offset of [
      0,
      1,
      UPLOAD_CHUNK_BYTES - 1,
      UPLOAD_CHUNK_BYTES,
      UPLOAD_CHUNK_BYTES + 1,
      1_000_000,
      1_299_999,
    ]) {
      expect(await readFrom(id, offset)).toEqual(bytes.subarray(offset));
    }
    expect(await readFrom(id, 1_300_000)).toEqual(new Uint8Array(0));
  });

  it("reads an upload of exactly two chunks to the end", async () => {
    const id = uploadId();
    const bytes = pattern(2 * UPLOAD_CHUNK_BYTES);
    expect(await storeUploadChunks(env.DB, id, chunkedStream(bytes, 65_536), 10_000_000)).toEqual({
      bytes: bytes.byteLength,
      chunks: 2,
    });
    expect(await readFrom(id, 7)).toEqual(bytes.subarray(7));
  });

  it("stores an empty upload as no chunks", async () => {
    const id = uploadId();
    expect(await storeUploadChunks(env.DB, id, chunkedStream(new Uint8Array(0)), 100)).toEqual({ bytes: 0, chunks: 0 });
    expect(await readFrom(id, 0)).toEqual(new Uint8Array(0));
  });

  it("refuses an upload over the limit and leaves no chunks behind", async () => {
    const id = uploadId();
    const error = await storeUploadChunks(env.DB, id, chunkedStream(pattern(1_300_000), 50_000), 1024 * 1024).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((error as AppError).message).toContain("1 MiB");
    expect(await chunkLengths(id)).toEqual([]);
  });

  it("deletes an upload's chunks, after which reading past the start fails permanently", async () => {
    const id = uploadId();
    await storeUploadChunks(env.DB, id, chunkedStream(pattern(1000), 300), 10_000);
    await deleteUploadChunks(env.DB, id);
    expect(await chunkLengths(id)).toEqual([]);
    const error = await uploadByteSource(env.DB, id)
      .open(10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(false);
  });

  it("pages through an uploaded CSV whose characters straddle chunk boundaries", async () => {
    const id = uploadId();
    const lines = ["sku;name;stock"];
    for (let i = 1; i <= 30_000; i++) lines.push(`SKU-${i};"Şık ""Çay"" İnce; ${i}";${i % 17}`);
    const bytes = utf8(`${lines.join("\r\n")}\r\n`);
    expect(bytes.byteLength).toBeGreaterThan(UPLOAD_CHUNK_BYTES);
    await storeUploadChunks(env.DB, id, chunkedStream(bytes, 4096), 10_000_000);
    const source = uploadByteSource(env.DB, id);
    const whole = await readCsvPage(source, csvFormat(), null, 100_000);
    expect(whole.rows).toHaveLength(30_000);
    expect(whole.rows[29_999]).toEqual({ sku: "SKU-30000", name: 'Şık "Çay" İnce; 30000', stock: "12" });
    const paged = await readAllPages(source, csvFormat(), 2000);
    expect(paged.rows).toEqual(whole.rows);
    expect(paged.cursors.every((c) => c.etag === id)).toBe(true);
  });

  it("refuses a cursor that names another upload", async () => {
    const error = await uploadByteSource(env.DB, uploadId())
      .open(0, "upl_other")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, message: "the file changed during the sync; start a new sync" });
  });
});
