import { describe, expect, it } from "vitest";
import { type ApiOptions, api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { gzip, utf8 } from "../helpers/bytes.ts";
import { countOf } from "../helpers/db.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { platformRecords, waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const CSV = "sku,name,price,stock\nG-1,Çaydanlık,12.50,10\nG-2,Şemsiye,7.25,3\n";

/** CRC-32 (IEEE), as the gzip trailer carries it. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid gzip of `content` padded with `emptyBlocks` empty stored deflate blocks (5 bytes each, no output). */
function paddedGzip(content: Uint8Array, emptyBlocks: number): Uint8Array {
  const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
  const empty = Array.from({ length: emptyBlocks }, () => [0x00, 0x00, 0x00, 0xff, 0xff]).flat();
  const n = content.byteLength;
  const last = [0x01, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff];
  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(0, crc32(content), true);
  new DataView(trailer.buffer).setUint32(4, n, true);
  return new Uint8Array([...header, ...empty, ...last, ...content, ...trailer]);
}

async function upload(id: string, body: Uint8Array, encoding: string | undefined, options: ApiOptions = {}) {
  return api("POST", `/api/integrations/${id}/upload`, {
    token: await admin(),
    rawBody: body,
    ...options,
    headers: { "Content-Type": "text/csv", ...(encoding ? { "Content-Encoding": encoding } : {}) },
  });
}

/** No upload row, no chunk, no run: a refused upload left nothing behind. */
async function expectNothingStored(integrationId: string) {
  expect(await countOf("SELECT count(*) AS n FROM uploads WHERE integration_id = ?", integrationId)).toBe(0);
  expect(await countOf("SELECT count(*) AS n FROM upload_chunks")).toBe(0);
  expect(await countOf("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?", integrationId)).toBe(0);
}

describe("POST /api/integrations/{id}/upload with Content-Encoding", () => {
  it.each(["gzip", "GZIP", "x-gzip"])(
    "decompresses a %s upload as it stores it, and syncs its rows",
    async (coding) => {
      const merchantId = newMerchant("m-gzip");
      const id = await csvIntegration(merchantId);
      const res = await upload(id, await gzip(utf8(CSV)), coding);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.data.bytes).toBe(utf8(CSV).byteLength);
      const run = await waitForRun(res.body.data.runId);
      expect(run.status, JSON.stringify(run)).toBe("succeeded");
      expect((await platformRecords(merchantId, "products")).items).toEqual([
        { sku: "G-1", name: "Çaydanlık" },
        { sku: "G-2", name: "Şemsiye" },
      ]);
    },
  );

  it("takes identity (and no header) as the file as is", async () => {
    const merchantId = newMerchant("m-identity");
    const id = await csvIntegration(merchantId);
    const res = await upload(id, utf8(CSV), "identity");
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await waitForRun(res.body.data.runId)).status).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).count).toBe(2);
  });

  it("answers 413 for a gzip bomb, counting decompressed bytes, and stores nothing", async () => {
    const id = await csvIntegration(newMerchant("m-bomb"));
    // 4 MiB of one repeated row compresses to a few KB, far under the 256 KiB limit set here.
    const bomb = await gzip(utf8(`sku,name\n${"B-1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".repeat(128 * 1024)}`));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const res = await upload(id, bomb, "gzip", { env: { MAX_UPLOAD_BYTES: String(256 * 1024) } });
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect(res.body).toMatchObject({ code: "PAYLOAD_TOO_LARGE", error: expect.stringContaining("256 KiB") });
    await expectNothingStored(id);
  });

  it("answers 413 for a gzip whose compressed bytes pass the limit, though it decompresses to little", async () => {
    const merchantId = newMerchant("m-padded");
    const id = await csvIntegration(merchantId);
    const small = utf8("sku,name,price,stock\nP-1,padded,1.50,1\n");
    // Sanity: the padding is valid gzip, which the gateway syncs when under the limit.
    const ok = await upload(id, paddedGzip(small, 100), "gzip");
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body.data.bytes).toBe(small.byteLength);
    expect((await waitForRun(ok.body.data.runId)).status).toBe("succeeded");

    const padded = paddedGzip(small, 20_000);
    expect(padded.byteLength).toBeGreaterThan(64 * 1024);
    const before = await countOf("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?", id);
    const res = await upload(id, padded, "gzip", { env: { MAX_UPLOAD_BYTES: String(64 * 1024) } });
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect(res.body).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      error: `The compressed upload is larger than the limit of ${64 * 1024} bytes`,
    });
    expect(await countOf("SELECT count(*) AS n FROM uploads WHERE integration_id = ?", id)).toBe(0);
    expect(await countOf("SELECT count(*) AS n FROM upload_chunks")).toBe(0);
    expect(await countOf("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?", id)).toBe(before);
  });

  it.each([
    ["a file that is not gzip at all", async () => utf8(CSV)],
    ["a truncated gzip", async () => (await gzip(utf8(CSV))).slice(0, -8)],
  ])("answers 400 MALFORMED_REQUEST for %s, and stores nothing", async (_, body) => {
    const id = await csvIntegration(newMerchant("m-bad-gzip"));
    const res = await upload(id, await body(), "gzip");
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({
      code: "MALFORMED_REQUEST",
      error: expect.stringContaining("The body is not valid gzip (Content-Encoding: gzip)"),
    });
    await expectNothingStored(id);
  });

  it.each(["br", "deflate", "zstd", "compress", "gzip, gzip", "gzip, br"])(
    "refuses Content-Encoding: %s with 415 naming what is accepted, and stores nothing",
    async (coding) => {
      const id = await csvIntegration(newMerchant("m-br"));
      const res = await upload(id, utf8(CSV), coding);
      expect(res.status, JSON.stringify(res.body)).toBe(415);
      expect(res.body).toMatchObject({
        code: "UNSUPPORTED_MEDIA_TYPE",
        error: `Content-Encoding '${coding}' is not supported; send the file uncompressed or with Content-Encoding: gzip`,
      });
      await expectNothingStored(id);
    },
  );
});
