/**
 * What a change costs a normal API request: two or three builds of the gateway side by side in
 * one process, each in workerd through Miniflare with the same bindings, answering batches of
 * GET /api/integrations/{id} in turn (A B C A B C …); each median is given as a ratio to the
 * first build's, and a second copy of the first build shows the noise floor. Not part of
 * `npm run bench`: it compares bundles you build, e.g. before and after a change:
 *
 *   git worktree add /tmp/base <rev> && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx wrangler deploy --dry-run --outdir /tmp/before) && cp -r /tmp/before .bench/before
 *   npx wrangler deploy --dry-run --outdir .bench/now
 *   node bench/request-overhead.ts .bench/before/index.js .bench/now/index.js [.bench/variant/index.js]
 *
 * The bundles must lie inside this directory (workerd will not load a module from outside it).
 */

import { startWorld } from "../bench/end-to-end.ts";
import { buildSimulators } from "../scripts/lib/build-simulators.ts";

const [before, after, nolimit] = [process.argv[2], process.argv[3], process.argv[4]];
if (!before || !after) throw new Error("usage: request-overhead.ts BEFORE_BUNDLE AFTER_BUNDLE [VARIANT_BUNDLE]");
const sims = buildSimulators();
// "after, local limiter": the limiters answered by an in-memory counter in another Worker over
// JS RPC, closer to production (counters cached on the machine that runs the Worker) than
// Miniflare's emulation, which keeps each counter in a Durable Object's SQLite.
const limiter = {
  name: "limiter",
  modules: true,
  script: `import { WorkerEntrypoint } from "cloudflare:workers";
const counts = new Map();
export class Limiter extends WorkerEntrypoint {
  async limit({ key }) { const n = (counts.get(key) ?? 0) + 1; counts.set(key, n); return { success: n <= 1e9 }; }
}
export default { fetch: () => new Response("limiter") };`,
  compatibilityDate: "2026-11-01",
};
const localLimiter = {
  serviceBindings: {
    CLIENT_RATE_LIMIT: { name: "limiter", entrypoint: "Limiter" },
    PRINCIPAL_RATE_LIMIT: { name: "limiter", entrypoint: "Limiter" },
  },
  ratelimits: {},
};
const worlds = {
  before: await startWorld(before, sims),
  "before, a second copy (the noise floor)": await startWorld(before, sims),
  after: await startWorld(after, sims),
  "after, local limiter": await startWorld(after, sims, localLimiter, [limiter]),
  ...(nolimit ? { variant: await startWorld(nolimit, sims) } : {}),
};
const ids: Record<string, string> = {};
for (const [name, world] of Object.entries(worlds)) {
  const created = await world.call("POST", "/api/integrations", {
    merchantId: "bench",
    name: "overhead",
    type: "webhook",
    connector: "csv",
    credentials: { url: "https://files.example.com/catalogue.csv" },
  });
  ids[name] = created.id;
}
const BATCH = 200;
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const times: Record<string, number[]> = Object.fromEntries(Object.keys(worlds).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, world] of Object.entries(worlds)) {
    const began = performance.now();
    for (let i = 0; i < BATCH; i++) await world.call("GET", `/api/integrations/${ids[name]}`);
    if (round > 1) times[name]?.push((performance.now() - began) / BATCH); // the first two warm up
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const b = median(times.before ?? []);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(
    `${name}: ${m.toFixed(3)} ms per request (median of ${xs.length} batches of ${BATCH}), ${(m / b).toFixed(3)} × before`,
  );
}
for (const w of Object.values(worlds)) await w.mf.dispose();
