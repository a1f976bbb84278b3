/**
 * `npm run bench`: measures the sync engine and writes docs/performance.md.
 *
 *   part A  CPU time and memory of the gateway's own per-page work, in this process
 *   part B  whole syncs of a 100,000-row CSV (uploaded), a 100,000-item catalogue (at a URL),
 *           the same catalogue unchanged, and a 100,000-item Logo ERP (full, then incremental
 *           after 1% changed), through workerd with D1, Queues, Durable Objects and simulators
 *   part C  incoming webhooks (verify, dedupe, store, queue) against a bare Hono route: in one
 *           workerd, with where the time goes, and over local HTTP through `wrangler dev`
 *
 * Options: --rows N (default 100000).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { buildSimulators } from "../scripts/lib/build-simulators.ts";
import { root } from "../scripts/lib/dev-vars.ts";
import { measureLogo, measureSyncs, type SyncFigures, startWorld } from "./end-to-end.ts";
import { measurePipeline, type PipelineFigures } from "./pipeline.ts";
import { webhooksReport } from "./webhooks/report.ts";
import { measureWebhooksWranglerDev } from "./webhooks/wrangler-dev.ts";
import { measureWebhooksInProcess } from "./webhooks.ts";

const { values } = parseArgs({ options: { rows: { type: "string", default: "100000" } } });
const rows = Number(values.rows);

console.log(`part A: per-page CPU and memory over ${rows} rows…`);
const pipeline = [await measurePipeline(rows, 500), await measurePipeline(rows, 2000)];
console.table(pipeline);

console.log("part B: building the gateway bundle (wrangler deploy --dry-run) and the simulators…");
const build = spawnSync(`${root}node_modules/.bin/wrangler`, ["deploy", "--dry-run", "--outdir", ".bench/gateway"], {
  cwd: root,
  encoding: "utf8",
});
if (build.status !== 0) throw new Error(`wrangler build failed:\n${build.stdout}\n${build.stderr}`);
const bundleKiB = /Total Upload: ([\d.]+ KiB \/ gzip: [\d.]+ KiB)/.exec(build.stdout)?.[1] ?? "?";
const world = await startWorld(`${root}.bench/gateway/index.js`, buildSimulators());
let syncs: SyncFigures[];
try {
  console.log(`part B: syncing ${rows} rows three ways…`);
  syncs = [...(await measureSyncs(world, rows)), ...(await measureLogo(world, rows))];
} finally {
  await world.mf.dispose();
}
console.table(syncs);

console.log("part C: incoming webhooks against a bare route, in one workerd…");
const webhooks = await measureWebhooksInProcess(`${root}.bench/gateway/index.js`, buildSimulators());
console.log(webhooks);
console.log("part C: incoming webhooks against a bare route, through wrangler dev…");
const webhooksDev = await measureWebhooksWranglerDev();
console.log(webhooksDev);

writeFileSync(`${root}docs/performance.md`, report(pipeline, syncs, bundleKiB) + webhooksReport(webhooks, webhooksDev));
console.log("written: docs/performance.md");

function report(pipeline: PipelineFigures[], syncs: SyncFigures[], bundle: string): string {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const a = pipeline
    .map(
      (p) =>
        `| ${p.pageSize} | ${p.pages} | ${p.cpuMsPer1000Rows} | ${p.cpuMsPer1000Records} | ${p.peakLiveMbPerPage} |`,
    )
    .join("\n");
  const b = syncs
    .map(
      (s) =>
        `| ${s.scenario} | ${s.rowsRead.toLocaleString("en")} | ${s.seconds} | ${s.rowsPerSecond.toLocaleString("en")} | ${s.recordsPushed.toLocaleString("en")} | ${s.pages} | ${s.platformRequests} | ${s.platformRequestsPer1000Records} |`,
    )
    .join("\n");
  return `# Performance

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}). Rerun it after a
change to the sync path and commit the new figures with the change.

The data is the simulators' generated catalogue: ${rows.toLocaleString("en")} rows of six columns
(sku, Turkish product names with quoted delimiters, decimal-comma prices, stock, EAN-13 barcode,
currency), about ${Math.round((rows * 78) / 1e6)} MB of UTF-8 CSV. Every row becomes three platform
records (product, inventory, price) through the CSV connector's default mapping.

## A. Per-page CPU time and memory (the gateway's own code)

Measured in one Node process (the V8 engine that workerd runs), on the work a queue
invocation does for one page apart from waiting on I/O: read and parse the CSV page, map
and validate each row for the three entities, fingerprint every record for the delta, and
build the platform batches (canonical JSON and idempotency keys). Waiting on D1, the ERP or
the platform is not CPU time on Workers, so this is what counts against the CPU limit.
Memory is the heap growth while one page is processed and all of its data is held at once
(no collection in between, so an upper bound), against the 128 MB a Worker has.

| page size (rows) | pages | CPU ms / 1,000 rows | CPU ms / 1,000 records | heap per page (MB, upper bound) |
| --- | --- | --- | --- | --- |
${a}

Absolute CPU times vary with the machine's load from one day to the next (the commit before this
change: 31 ms per 1,000 rows on 2026-11-28, 33–44 on 2026-12-02): compare against a baseline run in the same session. On
2026-12-02 this version and the commit before deletions and the stock rule (2ee8d6b), run by turns
in one session for 500-row pages, gave 35–41 and 33–44 ms per 1,000 rows: the same, within noise.

## B. Whole syncs through the runtime

The bundle \`wrangler deploy --dry-run\` builds (${bundle}) runs in workerd through Miniflare with
local D1, Queues and Durable Objects; the platform and file host are the simulators, in the same
workerd. Queue consumers are those of wrangler.toml (one page per message, 8 retries) without
the 1-second batching wait; page size is the default 500; platform batches hold 100 records.
The integrations' rate limit is raised to 1,000 calls/s so that the engine is measured: with
the default of 10 calls/s to the merchant's system, a file at a URL is read at most 10 pages
(5,000 rows) per second per integration, by design.
Seconds run from the request that starts the sync (for the upload, from the start of the
8 MB upload, which is included) to the run's end. Everything shares the machine's cores, and
local D1 and queues are emulations, so the seconds show relative costs, not production latency.

| scenario | source rows read | seconds | rows read / s | records pushed | pages | platform requests | requests / 1,000 records |
| --- | --- | --- | --- | --- | --- | --- | --- |
${b}

An unchanged catalogue is read and compared in full but pushes nothing: the delta keeps a
fingerprint per (integration, entity, sku) of what the platform last accepted. The Logo ERP's
items stream is incremental: after 1% of the items changed, the next run starts at the last
run's watermark (minus a 60-second overlap) and reads only the changed items (and the items
created since, which Logo never marks as modified), in keyset order. The Logo catalogue is read
as three streams (items, stock, prices), so its full sync reads three rows per catalogue item
(material classes, 1 in 41 of the generated cards, are not catalogue items). Its stock is a SQL
statement per page that the simulator evaluates with its own SQL engine; its prices are one card
chosen per item out of several, so a page ends before an item whose cards it cannot see whole
(more pages than rows / 500); and a full sync, being a complete read, marks every key it read and
ends with the deletion step. On 2026-12-02 the commit before deletions and the rebuilt
simulators (2ee8d6b) measured, in the same session on this machine: 25.1 / 11.5 / 10.6 s for the
three CSV scenarios (the same as now, within noise) and 26.3 s / 0.55 s for the Logo full /
incremental syncs against the old simulator — the Logo figures are mostly those of a different, more
realistic ERP (and of the deletion bookkeeping of a complete read), not of a slower engine.

## What bounds one invocation

One queue message is one page, whatever the catalogue size. Per page of 500 rows: one
fetch of the file (a Range request, or a D1 read of one or two 512 KiB upload chunks), one D1
query to read the fingerprints of every entity and one statement per entity to write them (keys travel
as one JSON parameter, under D1's 100-parameter limit), up to 5 platform requests per entity,
a run update, a page marker and (for a run that looks for deletions) one statement marking the
keys read per entity in one batch, one queue send, and three calls to the
integration's guard (admission, a rate-limit slot for the file fetch, the outcome): about 30
subrequests, CPU
time as in table A, memory far below 128 MB. An uploaded file is read back in 512 KiB chunks, so
a page of an upload reads a whole chunk for its ~40 KB of rows; that is why the upload scenario
is slower than the URL one.
`;
}
