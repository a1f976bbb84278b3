/**
 * Part B of `npm run bench`: whole syncs through the real runtime — the built gateway bundle
 * and the simulators in workerd (Miniflare), with local D1, Queues and Durable Objects, every
 * outbound fetch going to the simulators. Wall-clock figures therefore include the local
 * D1/queue emulation and the simulators on the same two cores; they show the shape (pages,
 * requests, what an unchanged re-sync costs), not production latency.
 */
import { readdirSync, readFileSync } from "node:fs";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions, type V4WorkerOptionsShape } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { fastQueueConsumers } from "../scripts/lib/wrangler-config.ts";
import { signJwt } from "../src/auth/jwt.ts";
import { catalogueBytes } from "./pipeline.ts";

export interface SyncFigures {
  scenario: string;
  rows: number;
  /** Source rows the run actually read (an incremental run reads only what changed). */
  rowsRead: number;
  seconds: number;
  rowsPerSecond: number;
  recordsPushed: number;
  pages: number;
  platformRequests: number;
  platformRequestsPer1000Records: number;
}

/** The gateway's secrets in every benchmark world (bench-only values). */
export const SECRETS = {
  JWT_SECRET: "bench-only-jwt-secret-that-is-long-enough-0123456789",
  ENCRYPTION_KEY: "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMi1ieXQ=",
  PLATFORM_API_TOKEN: "bench-platform-token",
};

/**
 * Starts the gateway (from `gatewayScript`, the wrangler bundle) and the simulators;
 * `gatewayOverrides` and `extraWorkers` let a one-off comparison change a binding.
 */
export async function startWorld(
  gatewayScript: string,
  simsScript: string,
  gatewayOverrides: Partial<V4WorkerOptionsShape> = {},
  extraWorkers: V4WorkerOptions[] = [],
) {
  // The bindings of wrangler.toml; the bundle is already built, so no module rules are needed.
  const { workerOptions } = unstable_getMiniflareWorkerOptions("wrangler.toml");
  const { modulesRules: _rules, ...gatewayOptions } = workerOptions;
  // Miniflare 5 takes its own option shape; the familiar (v4) one is converted.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          ...gatewayOptions,
          name: "gateway",
          modules: true,
          scriptPath: gatewayScript,
          bindings: {
            ...(gatewayOptions.bindings as Record<string, unknown>),
            ...SECRETS,
            PLATFORM_API_URL: "https://sims.bench/platform",
            LOG_LEVEL: "error",
          },
          queueConsumers: fastQueueConsumers(),
          // The benchmark polls its runs as one subject far faster than a person would: the API's
          // rate limits (wrangler.toml) get room, as in the tests.
          ratelimits: {
            CLIENT_RATE_LIMIT: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
            PRINCIPAL_RATE_LIMIT: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
            WEBHOOK_REFUSAL_LIMIT: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
          },
          outboundService: "sims",
          ...gatewayOverrides,
        },
        {
          name: "sims",
          modules: true,
          scriptPath: simsScript,
          compatibilityDate: "2026-11-01",
          compatibilityFlags: ["nodejs_compat"],
          bindings: { PLATFORM_TOKEN: SECRETS.PLATFORM_API_TOKEN },
        },
        ...extraWorkers,
      ],
    }),
  );
  const db = await mf.getD1Database("DB", "gateway");
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const statement of readFileSync(`migrations/${file}`, "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
  const now = Math.floor(Date.now() / 1000);
  const token = await signJwt({ sub: "bench", role: "admin", exp: now + 3600 }, SECRETS.JWT_SECRET);

  const call = async (method: string, path: string, body?: unknown, contentType = "application/json") => {
    const res = await mf.dispatchFetch(`http://gateway.bench${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { "Content-Type": contentType } : {}) },
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { success: boolean; data: any };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  return { mf, call };
}

type World = Awaited<ReturnType<typeof startWorld>>;

async function waitForRun(world: World, runId: string) {
  for (;;) {
    const run = await world.call("GET", `/api/runs/${runId}`);
    if (!["queued", "running"].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function timedSync(
  world: World,
  scenario: string,
  rows: number,
  start: () => Promise<string>,
): Promise<SyncFigures> {
  const began = performance.now();
  const run = await waitForRun(world, await start());
  const seconds = (performance.now() - began) / 1000;
  if (run.status !== "succeeded") throw new Error(`${scenario}: run ended ${run.status}: ${run.lastError}`);
  const p = run.progress;
  return {
    scenario,
    rows,
    rowsRead: p.itemsRead,
    seconds: seconds < 10 ? Math.round(seconds * 100) / 100 : Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(p.itemsRead / seconds),
    recordsPushed: p.itemsPushed,
    pages: p.pagesDone,
    platformRequests: p.platformRequests,
    platformRequestsPer1000Records: p.itemsPushed
      ? Math.round((p.platformRequests / p.itemsPushed) * 1000 * 100) / 100
      : 0,
  };
}

/**
 * A Logo ERP of `rows` items: a full sync (items, stock and prices), then 1% of the items
 * change in the ERP and an incremental sync of the items reads only those.
 */
export async function measureLogo(world: World, rows: number): Promise<SyncFigures[]> {
  const sims = "https://sims.bench";
  // The simulators Worker directly (dispatchFetch would reach the gateway).
  const simulators = await world.mf.getWorker("sims");
  const configure = await simulators.fetch(`${sims}/logo/bench/__sim/config`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    // Stock is read through SQL, which the Logo REST service answers only when allowed.
    body: JSON.stringify({ items: rows, sql: true }),
  });
  if (!configure.ok) throw new Error(`Logo simulator: ${configure.status} ${await configure.text()}`);
  const logo = await world.call("POST", "/api/integrations", {
    merchantId: "bench-logo",
    name: "logo",
    type: "webhook",
    connector: "logo",
    credentials: { endpoint: `${sims}/logo/bench/api/v1`, username: "logo", password: "logo-pass", firmNo: 1 },
    settings: { rateLimitRequests: 1000 },
  });
  const full = await timedSync(
    world,
    `${rows.toLocaleString("en")}-item Logo ERP, full sync (items, stock, prices)`,
    rows * 3,
    async () => (await world.call("POST", `/api/integrations/${logo.id}/sync`, { type: "full" })).runId,
  );
  const changed = Math.max(1, Math.round(rows / 100));
  const touch = await simulators.fetch(`${sims}/logo/bench/__sim/touch`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ count: changed }),
  });
  if (!touch.ok) throw new Error(`Logo simulator touch: ${touch.status} ${await touch.text()}`);
  const incremental = await timedSync(
    world,
    `the same ERP after ${changed.toLocaleString("en")} items changed, incremental items sync`,
    rows,
    async () => (await world.call("POST", `/api/integrations/${logo.id}/sync`, { type: "products" })).runId,
  );
  return [full, incremental];
}

/** The three scenarios: an uploaded file, a catalogue at a URL, and the same catalogue again. */
export async function measureSyncs(world: World, rows: number): Promise<SyncFigures[]> {
  const create = (name: string, url?: string) =>
    world.call("POST", "/api/integrations", {
      merchantId: `bench-${name}`,
      name,
      type: "webhook",
      connector: "csv",
      credentials: url ? { url } : {},
      // The default rate limit (10 calls/s to the merchant's system) would be what is measured.
      settings: { decimalSeparator: ",", rateLimitRequests: 1000 },
    });
  const upload = await create("upload");
  const catalogue = await create("catalogue", `https://sims.bench/files/generated/catalogue.csv?rows=${rows}&seed=1`);
  const file = catalogueBytes(rows);
  return [
    await timedSync(
      world,
      `${rows.toLocaleString("en")}-row CSV, uploaded`,
      rows,
      async () => (await world.call("POST", `/api/integrations/${upload.id}/upload?type=full`, file, "text/csv")).runId,
    ),
    await timedSync(
      world,
      `${rows.toLocaleString("en")}-item catalogue at a URL, first sync`,
      rows,
      async () => (await world.call("POST", `/api/integrations/${catalogue.id}/sync`, { type: "full" })).runId,
    ),
    await timedSync(
      world,
      "the same catalogue again, unchanged",
      rows,
      async () => (await world.call("POST", `/api/integrations/${catalogue.id}/sync`, { type: "full" })).runId,
    ),
  ];
}
