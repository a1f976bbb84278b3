/**
 * Part C of `npm run bench`, end to end: webhooks per second over local HTTP through
 * `wrangler dev` (its proxy in front of workerd, local D1, queue and Durable Object), beside the
 * bare route (bench/webhooks/bare-worker.ts) in a second `wrangler dev`, batches by turns.
 *
 * The gateway runs from a copy of wrangler.toml with two changes, both so that the receiver is
 * what is measured: no queue consumers (the events' processing would share the two cores), and
 * the client rate limit raised (one address sends everything). Its local state is fresh, in
 * .bench/webhooks/state, with the migrations applied.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { root } from "../../scripts/lib/dev-vars.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { SECRETS } from "../end-to-end.ts";
import { type Delivery, expectAccepted, median, round, signedDeliveries } from "./deliveries.ts";

export interface WranglerDevFigures {
  batches: number;
  batchSize: number;
  concurrency: number;
  bareRps: number;
  webhookRps: number;
  ratio: number;
}

const dir = `${root}.bench/webhooks`;
const wrangler = `${root}node_modules/.bin/wrangler`;

/** The gateway's wrangler.toml for the benchmark (see above), its paths made absolute. */
function gatewayConfig(): string {
  let table = "";
  const lines = readFileSync(`${root}wrangler.toml`, "utf8")
    .split("\n")
    .filter((line) => {
      const header = /^\s*(\[\[?[^\]]+\]\]?)/.exec(line)?.[1];
      if (header) table = header;
      return table !== "[[queues.consumers]]";
    })
    .map((line) =>
      line
        .replace(/^main = "(.*)"/, `main = "${root}$1"`)
        .replace(/^migrations_dir = "(.*)"/, `migrations_dir = "${root}$1"`)
        .replace(/limit = \d+/, "limit = 1000000"),
    );
  return lines.join("\n");
}

const bareConfig = () => `name = "bench-bare"
main = "${root}bench/webhooks/bare-worker.ts"
compatibility_date = "2026-11-01"
compatibility_flags = ["nodejs_compat", "global_fetch_strictly_public"]
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function startDev(config: string, state: string): Promise<{ base: string; child: ChildProcess }> {
  const [port, inspector] = [await freePort(), await freePort()];
  const child = spawn(
    wrangler,
    [
      "dev",
      ...["-c", config, "--persist-to", state, "--ip", "127.0.0.1", "--port", String(port)],
      ...["--inspector-port", String(inspector), "--show-interactive-dev-session=false", "--log-level", "error"],
    ],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev -c ${config} exited ${child.exitCode}`);
    const up = await fetch(`${base}/health`).then(
      (r) => r.body?.cancel().then(() => true),
      () => false,
    );
    if (up) return { base, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`wrangler dev -c ${config} did not answer`);
}

/** `deliveries` POSTed to `url`, `concurrency` at a time; requests per second. */
async function rps(url: string, deliveries: Delivery[], concurrency: number): Promise<number> {
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let d = deliveries[next++]; d; d = deliveries[next++]) {
        await expectAccepted(await fetch(url, { method: "POST", ...d }), url);
      }
    }),
  );
  return deliveries.length / ((performance.now() - began) / 1000);
}

export async function measureWebhooksWranglerDev(
  options: { rounds?: number; batch?: number; concurrency?: number } = {},
): Promise<WranglerDevFigures> {
  const { rounds = 6, batch = 200, concurrency = 8 } = options;
  const state = `${dir}/state`;
  rmSync(state, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/gateway.wrangler.toml`, gatewayConfig());
  writeFileSync(`${dir}/bare.wrangler.toml`, bareConfig());
  // wrangler dev reads the secrets from .dev.vars beside the config.
  writeFileSync(
    `${dir}/.dev.vars`,
    `${Object.entries({ ...SECRETS, LOG_LEVEL: "error" })
      .map(([k, v]) => `${k}="${v}"`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  const migrate = spawnSync(
    wrangler,
    ["d1", "migrations", "apply", "DB", "--local", "-c", `${dir}/gateway.wrangler.toml`, "--persist-to", state],
    { cwd: root, encoding: "utf8", env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } },
  );
  if (migrate.status !== 0) throw new Error(`migrations: ${migrate.stdout}\n${migrate.stderr}`);

  const children: ChildProcess[] = [];
  try {
    const gateway = await startDev(`${dir}/gateway.wrangler.toml`, state);
    children.push(gateway.child);
    const bare = await startDev(`${dir}/bare.wrangler.toml`, `${dir}/bare-state`);
    children.push(bare.child);

    const token = await signJwt(
      { sub: "bench", role: "admin", exp: Math.floor(Date.now() / 1000) + 3600 },
      SECRETS.JWT_SECRET,
    );
    const res = await fetch(`${gateway.base}/api/integrations`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        merchantId: "bench-webhooks",
        name: "webhooks",
        type: "webhook",
        connector: "csv",
        credentials: {},
      }),
    });
    const created = (await res.json()) as { data: { id: string; webhookSecret: string } };
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(created)}`);
    const { id, webhookSecret } = created.data;

    const targets = { bare: `${bare.base}/bare/${id}`, webhook: `${gateway.base}/webhooks/${id}` };
    const figures: Record<keyof typeof targets, number[]> = { bare: [], webhook: [] };
    for (let r = 0; r < rounds + 1; r++) {
      for (const [name, url] of Object.entries(targets) as [keyof typeof targets, string][]) {
        const measured = await rps(url, signedDeliveries(webhookSecret, batch), concurrency);
        if (r > 0) figures[name].push(measured); // the first round warms up
      }
    }
    const bareRps = median(figures.bare);
    const webhookRps = median(figures.webhook);
    return {
      batches: rounds,
      batchSize: batch,
      concurrency,
      bareRps: Math.round(bareRps),
      webhookRps: Math.round(webhookRps),
      ratio: round(webhookRps / bareRps),
    };
  } finally {
    // Each wrangler dev leads its own process group (detached): its workerd goes with it.
    for (const child of children) {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}
