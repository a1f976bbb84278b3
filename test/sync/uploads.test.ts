import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app.ts";
import { UPLOAD_CHUNK_BYTES } from "../../src/uploads/store.ts";
import { type ApiOptions, api, bodies } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { countOf } from "../helpers/db.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { platformRecords, platformRequests, waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const CSV = ["sku,name,price,stock", "U-1,Çaydanlık,12.50,10", "U-2,Şemsiye,7.25,3", "U-3,Işıldak,499.90,0"].join("\n");
const MINUTE = 60_000;
const encoder = new TextEncoder();

async function upload(id: string, csv: string, options: ApiOptions & { query?: string } = {}) {
  const { query, ...rest } = options;
  return api("POST", `/api/integrations/${id}/upload${query ? `?${query}` : ""}`, {
    token: rest.token ?? (await admin()),
    rawBody: csv,
    ...rest,
    headers: { "Content-Type": "text/csv", ...rest.headers },
  });
}

const uploadRows = (integrationId: string) =>
  countOf("SELECT count(*) AS n FROM uploads WHERE integration_id = ?", integrationId);
const chunksOf = (uploadId: string) => countOf("SELECT count(*) AS n FROM upload_chunks WHERE upload_id = ?", uploadId);
const allChunks = () => countOf("SELECT count(*) AS n FROM upload_chunks");
const runsOf = (integrationId: string) =>
  countOf("SELECT count(*) AS n FROM sync_runs WHERE integration_id = ?", integrationId);

/** Asserts that a refused upload left nothing behind: no upload, no chunk, no run. */
async function expectNothingStored(integrationId: string, chunksBefore: number, runsBefore = 0) {
  expect(await uploadRows(integrationId)).toBe(0);
  expect(await allChunks()).toBe(chunksBefore);
  expect(await runsOf(integrationId)).toBe(runsBefore);
}

/** `rows` CSV rows with names of about `nameLength` characters, Turkish letters (two bytes each in UTF-8) throughout. */
function bigCsv(rows: number, nameLength: number, pad = 0) {
  const lines = ["sku,name,price,stock"];
  const expected: { sku: string; name: string; stock: number }[] = [];
  const words = ["Şık", "Çizgili", "Öğütücü", "Işıldak", "Güneş", "Doğal", "İpek", "Çaydanlık", "Ağır", "Üçlü"];
  for (let i = 1; i <= rows; i++) {
    let name = `${i === 1 ? "x".repeat(pad) : ""}${i}`;
    for (let w = i; name.length < nameLength; w++) name += ` ${words[w % words.length]}`;
    const sku = `BIG-${String(i).padStart(6, "0")}`;
    const stock = i % 500;
    lines.push(`${sku},${name},${(i % 1000) + 0.5},${stock}`);
    expected.push({ sku, name, stock });
  }
  return { text: `${lines.join("\n")}\n`, expected };
}

describe("POST /api/integrations/{id}/upload", () => {
  it("answers 202, syncs the file's rows to the platform, then deletes the stored file", async () => {
    const merchantId = newMerchant("m-upload");
    const id = await csvIntegration(merchantId, { csv: "sku,name\nX-1,ignored\n" });
    const res = await upload(id, CSV, { token: await merchant(merchantId) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { runId, uploadId, bytes, run } = res.body.data;
    expect(uploadId).toMatch(/^upl_[0-9A-Z]{26}$/);
    expect(bytes).toBe(encoder.encode(CSV).byteLength);
    expect(run).toMatchObject({
      id: runId,
      integrationId: id,
      type: "full",
      trigger: "upload",
      status: "queued",
      source: `upload:${uploadId}`,
    });

    const done = await waitForRun(runId);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.progress).toMatchObject({ itemsRead: 3, itemsPushed: 9, itemsRejected: 0 });
    // The uploaded rows, not the integration's own file.
    expect((await platformRecords(merchantId, "products")).items).toEqual([
      { sku: "U-1", name: "Çaydanlık" },
      { sku: "U-2", name: "Şemsiye" },
      { sku: "U-3", name: "Işıldak" },
    ]);
    expect((await platformRecords(merchantId, "prices")).items.map((p) => p.price)).toEqual([12.5, 7.25, 499.9]);
    expect(await uploadRows(id)).toBe(0);
    expect(await chunksOf(uploadId)).toBe(0);

    const audit = await env.DB.prepare("SELECT * FROM audit_log WHERE action = 'sync.triggered' AND target_id = ?")
      .bind(id)
      .first<{ merchant_id: string; details: string }>();
    expect(audit?.merchant_id).toBe(merchantId);
    expect(JSON.parse(audit?.details ?? "{}")).toMatchObject({ runId, trigger: "upload", type: "full", bytes });
  });

  it("stores a file over 512 KiB in several chunks and syncs every row, even across a split Turkish letter", async () => {
    const merchantId = newMerchant("m-chunks");
    const id = await csvIntegration(merchantId);
    // Padding the first row shifts every later byte: find a shift that makes the first chunk end inside a two-byte letter.
    const isContinuation = (b: number | undefined) => b !== undefined && b >> 6 === 0b10;
    let pad = 0;
    while (!isContinuation(encoder.encode(bigCsv(6000, 90, pad).text)[UPLOAD_CHUNK_BYTES])) pad++;
    const { text, expected } = bigCsv(6000, 90, pad);
    const bytes = encoder.encode(text);
    expect(isContinuation(bytes[UPLOAD_CHUNK_BYTES])).toBe(true);
    expect(bytes.byteLength).toBeGreaterThan(UPLOAD_CHUNK_BYTES);

    // In-process with the first page job held back, so the stored file can be inspected before its run reads it.
    const held: unknown[] = [];
    const res = await upload(id, text, {
      env: { SYNC_QUEUE: { send: async (body: unknown) => void held.push(body) } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { uploadId, runId } = res.body.data;
    expect(res.body.data.bytes).toBe(bytes.byteLength);
    const stored = await env.DB.prepare("SELECT bytes, chunks FROM uploads WHERE id = ?")
      .bind(uploadId)
      .first<{ bytes: number; chunks: number }>();
    expect(stored).toEqual({ bytes: bytes.byteLength, chunks: 2 });
    const lengths = await env.DB.prepare("SELECT length(data) AS n FROM upload_chunks WHERE upload_id = ? ORDER BY seq")
      .bind(uploadId)
      .all<{ n: number }>();
    expect(lengths.results.map((r) => r.n)).toEqual([UPLOAD_CHUNK_BYTES, bytes.byteLength - UPLOAD_CHUNK_BYTES]);

    expect(held).toHaveLength(1);
    await env.SYNC_QUEUE.send(held[0]);
    const done = await waitForRun(runId, { timeoutMs: 25_000 });
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.progress).toMatchObject({ pagesDone: 12, itemsRead: 6000, itemsPushed: 18_000, itemsRejected: 0 });

    const products = await platformRecords(merchantId, "products");
    expect(products.count).toBe(6000);
    expect(products.items.map((p) => [p.sku, p.name])).toEqual(expected.map((e) => [e.sku, e.name]));
    const inventory = await platformRecords(merchantId, "inventory");
    expect(inventory.items.map((p) => p.stock)).toEqual(expected.map((e) => e.stock));
    expect(Object.values(products.writes).every((n) => n === 1)).toBe(true);
    expect(await uploadRows(id)).toBe(0);
    expect(await chunksOf(uploadId)).toBe(0);
  });

  it("accepts a 1.5 MB file: the 1 MiB limit of JSON bodies does not apply to uploads", async () => {
    const merchantId = newMerchant("m-1500k");
    const id = await csvIntegration(merchantId);
    const { text, expected } = bigCsv(6000, 230);
    const size = encoder.encode(text).byteLength;
    expect(size).toBeGreaterThan(1_500_000);
    const res = await upload(id, text, { query: "type=inventory" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.bytes).toBe(size);
    const done = await waitForRun(res.body.data.runId, { timeoutMs: 25_000 });
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.progress).toMatchObject({ itemsRead: 6000, itemsPushed: 6000 });
    expect((await platformRecords(merchantId, "inventory")).items.map((p) => p.sku)).toEqual(
      expected.map((e) => e.sku),
    );
  });

  it("lets a CSV integration without a url sync uploads (and says what to do when asked to sync without one)", async () => {
    const merchantId = newMerchant("m-no-url");
    const id = await csvIntegration(merchantId);
    const res = await upload(id, CSV);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await waitForRun(res.body.data.runId)).status).toBe("succeeded");
    expect((await platformRecords(merchantId, "inventory")).count).toBe(3);

    const sync = await api("POST", `/api/integrations/${id}/sync`, { token: await admin(), body: {} });
    expect(sync.status).toBe(202);
    const failed = await waitForRun(sync.body.data.runId);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/no url.*upload/);
  });

  it("pushes only inventory with ?type=inventory", async () => {
    const merchantId = newMerchant("m-upload-type");
    const id = await csvIntegration(merchantId);
    const res = await upload(id, CSV, { query: "type=inventory" });
    expect(res.status).toBe(202);
    expect(res.body.data.run).toMatchObject({ type: "inventory", entities: ["inventory"] });
    const done = await waitForRun(res.body.data.runId);
    expect(done.progress.itemsPushed).toBe(3);
    expect((await platformRecords(merchantId, "inventory")).items.map((p) => [p.sku, p.stock])).toEqual([
      ["U-1", 10],
      ["U-2", 3],
      ["U-3", 0],
    ]);
    expect((await platformRecords(merchantId, "products")).count).toBe(0);
    expect((await platformRecords(merchantId, "prices")).count).toBe(0);
    expect((await platformRequests(merchantId)).requests.map((r) => r.entity)).toEqual(["inventory"]);
  });

  it("pushes only what changed since the last sync, and everything with ?force=true", async () => {
    const merchantId = newMerchant("m-upload-delta");
    const id = await csvIntegration(merchantId);
    expect((await waitForRun((await upload(id, CSV)).body.data.runId)).progress.itemsPushed).toBe(9);
    const same = await waitForRun((await upload(id, CSV)).body.data.runId);
    expect(same.progress).toMatchObject({ itemsRead: 3, itemsPushed: 0 });
    const forced = await upload(id, CSV, { query: "force=true" });
    expect(forced.body.data.run.force).toBe(true);
    expect((await waitForRun(forced.body.data.runId)).progress.itemsPushed).toBe(9);
  });

  it("refuses invalid query values with 400", async () => {
    const id = await csvIntegration(newMerchant("m-upload-query"));
    const chunks = await allChunks();
    for (const [query, field] of [
      ["type=orders", "query.type"],
      ["force=yes", "query.force"],
    ]) {
      const res = await upload(id, CSV, { query });
      expect(res.status, query).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
    await expectNothingStored(id, chunks);
  });

  it("refuses an integration that is not csv with 400", async () => {
    const merchantId = newMerchant("m-upload-logo");
    const created = await api("POST", "/api/integrations", {
      token: await admin(),
      body: { ...bodies.logo(merchantId), type: "webhook" },
    });
    const id = created.body.data.id as string;
    const chunks = await allChunks();
    const res = await upload(id, CSV);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.details).toEqual([{ field: "id", message: expect.stringMatching(/csv.*logo/) }]);
    await expectNothingStored(id, chunks);
  });

  it("refuses a body that is not CSV with 415", async () => {
    const id = await csvIntegration(newMerchant("m-upload-415"));
    const chunks = await allChunks();
    for (const type of ["application/json", "multipart/form-data; boundary=x", "image/png"]) {
      const res = await upload(id, CSV, { headers: { "Content-Type": type } });
      expect(res.status, type).toBe(415);
      expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(res.body.error).toMatch(/text\/csv/);
    }
    await expectNothingStored(id, chunks);
  });

  it("accepts the content types CSV files are sent with", async () => {
    const id = await csvIntegration(newMerchant("m-upload-types"));
    for (const type of ["text/csv; charset=utf-8", "application/vnd.ms-excel", "application/octet-stream"]) {
      const res = await upload(id, CSV, { headers: { "Content-Type": type }, query: "type=prices" });
      expect(res.status, type).toBe(202);
      await waitForRun(res.body.data.runId);
    }
  });

  it("refuses a file over MAX_UPLOAD_BYTES with 413 and stores nothing", async () => {
    const id = await csvIntegration(newMerchant("m-upload-413"));
    const chunks = await allChunks();
    const res = await upload(id, `sku,name\n${"A,b\n".repeat(800)}`, { env: { MAX_UPLOAD_BYTES: "2048" } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.body.error).toMatch(/2048|2 KiB/);
    await expectNothingStored(id, chunks);
  });

  it("removes the chunks already written when a file turns out too large part-way", async () => {
    const id = await csvIntegration(newMerchant("m-upload-413-late"));
    const chunks = await allChunks();
    const { text } = bigCsv(8000, 60);
    expect(encoder.encode(text).byteLength).toBeGreaterThan(600 * 1024);
    // Without a Content-Length the size is only known while streaming: a first chunk is stored by then.
    const stream = new Blob([text]).stream();
    const request = new Request(`https://gateway.test/api/integrations/${id}/upload`, {
      method: "POST",
      body: stream,
      headers: { "Content-Type": "text/csv", Authorization: `Bearer ${await admin()}` },
    });
    const ctx = createExecutionContext();
    const res = await app.fetch(request, { ...env, MAX_UPLOAD_BYTES: String(600 * 1024) } as Env, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/600 KiB/);
    await expectNothingStored(id, chunks);
  });

  it("refuses an empty body with 400 and starts no run", async () => {
    const id = await csvIntegration(newMerchant("m-upload-empty"));
    const chunks = await allChunks();
    const res = await upload(id, "");
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.details?.[0]?.field).toBe("body");
    await expectNothingStored(id, chunks);
  });

  it("answers 503 when the run cannot be queued, and keeps no copy of the file", async () => {
    const id = await csvIntegration(newMerchant("m-upload-503"));
    const chunks = await allChunks();
    const res = await upload(id, CSV, {
      env: {
        SYNC_QUEUE: {
          send: async () => {
            throw new Error("queue unavailable");
          },
        },
      },
    });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("SERVICE_UNAVAILABLE");
    // The run is recorded as failed, saying why; the uploaded file, which no run will ever read, is gone.
    const runs = await api("GET", `/api/integrations/${id}/runs`, { token: await admin() });
    expect(runs.body.data).toMatchObject([{ status: "failed", lastError: expect.stringMatching(/enqueue/) }]);
    expect(await uploadRows(id)).toBe(0);
    expect(await allChunks()).toBe(chunks);
  });

  it("answers 409 while a run of the same type is active, storing nothing and leaving that run alone", async () => {
    const merchantId = newMerchant("m-upload-409");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const active = await api("POST", `/api/integrations/${id}/sync`, {
      token: await admin(),
      body: { type: "full", delay: MINUTE },
    });
    expect(active.status).toBe(202);
    const chunks = await allChunks();
    const res = await upload(id, CSV);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
    expect(res.body.error).toMatch(/full run/);
    await expectNothingStored(id, chunks, 1);
    const run = await api("GET", `/api/runs/${active.body.data.runId}`, { token: await admin() });
    expect(run.body.data).toMatchObject({ status: "queued", source: null });

    // Another type is not blocked by it.
    const inventory = await upload(id, CSV, { query: "type=inventory" });
    expect(inventory.status).toBe(202);
    await waitForRun(inventory.body.data.runId);
  });

  it("forbids a viewer (403) and hides another merchant's integration (404), storing nothing", async () => {
    const merchantId = newMerchant("m-upload-roles");
    const id = await csvIntegration(merchantId);
    const chunks = await allChunks();
    const forbidden = await upload(id, CSV, { token: await viewer(merchantId) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("FORBIDDEN");
    const foreign = await upload(id, CSV, { token: await merchant(newMerchant("m-upload-other")) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("NOT_FOUND");
    await expectNothingStored(id, chunks);
  });
});
