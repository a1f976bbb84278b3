/**
 * Part A of `npm run bench`: the CPU and memory the gateway's own code spends per page, in
 * this Node process (same V8 as workerd), without I/O. This is what Workers bill as CPU time:
 * waiting on D1, the ERP or the platform is not CPU time. The work measured is exactly a page's:
 * read and parse the CSV page, map and validate every row for products, inventory and prices,
 * hash each record for the delta, and build the platform batches with their idempotency keys.
 */
import { memoryUsage } from "node:process";
import { catalogueText, encodeText } from "../simulators/files/catalogue.ts";
import { csvConnector } from "../src/connectors/csv/definition.ts";
import type { CsvCursor } from "../src/connectors/csv/format.ts";
import { readCsvPage } from "../src/connectors/csv/reader.ts";
import { canonicalJson } from "../src/crypto/hash.ts";
import { compileMapping, mapRows } from "../src/mapping/engine.ts";
import { MappingDocument } from "../src/mapping/schema.ts";
import { batchIdempotencyKey, chunk } from "../src/platform/client.ts";
import { ENTITIES } from "../src/platform/records.ts";
import { toCandidates } from "../src/sync/delta.ts";
import type { ByteSource } from "../src/uploads/byte-source.ts";

export interface PipelineFigures {
  rows: number;
  pageSize: number;
  pages: number;
  records: number;
  cpuMsPer1000Rows: number;
  cpuMsPer1000Records: number;
  peakLiveMbPerPage: number;
}

const memorySource = (bytes: Uint8Array): ByteSource => ({
  async open(offset) {
    let at = offset;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(at, Math.min(bytes.length, at + 64 * 1024)));
        at += 64 * 1024;
      },
    });
    return { body, etag: "bench" };
  },
});

/** The CSV catalogue the end-to-end part syncs too: 6 columns, Turkish text, decimal commas. */
export function catalogueBytes(rows: number): Uint8Array {
  const options = {
    rows,
    seed: 1,
    delimiter: ",",
    encoding: "utf-8",
    malformedEvery: 0,
    version: 1,
    eol: "\r\n",
  } as const;
  return encodeText(catalogueText(options), "utf-8");
}

async function processPage(source: ByteSource, cursor: CsvCursor | null, pageSize: number) {
  const format = { delimiter: "auto", encoding: "utf-8", hasHeader: true } as const;
  const page = await readCsvPage(source, format, cursor, pageSize);
  const mapping = compileMapping(MappingDocument.parse(csvConnector.defaultMapping));
  const mapped = mapRows(mapping, page.rows, ENTITIES, { decimalSeparator: "," });
  const candidates = toCandidates(mapped.records);
  const bodies: string[] = [];
  for (const entity of ENTITIES) {
    const records = candidates.filter((c) => c.entity === entity).map((c) => c.record);
    for (const batch of chunk(records, 100)) {
      bodies.push(`${await batchIdempotencyKey("run_bench", entity, batch)} ${canonicalJson({ items: batch })}`);
    }
  }
  return { page, mapped, candidates, bodies };
}

/** CPU per 1,000 rows over a whole file, and the live memory one page needs at its peak. */
export async function measurePipeline(rows: number, pageSize: number): Promise<PipelineFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  const source = memorySource(catalogueBytes(rows));

  // Warm-up (JIT), then the measured pass over the whole file.
  await processPage(source, null, pageSize);
  let cursor: CsvCursor | null = null;
  let pages = 0;
  let records = 0;
  const cpu = process.cpuUsage();
  do {
    const result = await processPage(source, cursor, pageSize);
    records += result.mapped.records.length;
    cursor = result.page.next;
    pages++;
  } while (cursor);
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;

  // Peak live memory: everything one page holds at once (rows, records, hashes, batch bodies).
  gc();
  const before = memoryUsage().heapUsed;
  const held = await processPage(source, null, pageSize);
  const after = memoryUsage().heapUsed;
  if (held.bodies.length === 0) throw new Error("no output");

  return {
    rows,
    pageSize,
    pages,
    records,
    cpuMsPer1000Rows: round((cpuMs / rows) * 1000),
    cpuMsPer1000Records: round((cpuMs / records) * 1000),
    peakLiveMbPerPage: round((after - before) / 1024 / 1024),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
