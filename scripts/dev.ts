/**
 * `npm run dev`: the gateway and the local world it talks to, with no account and no network.
 *
 * 1. creates .dev.vars with fresh dev-only secrets (or adds the ones it lacks)
 * 2. applies the D1 migrations to the local database (.wrangler/state)
 * 3. starts the simulators (platform, file host) on :8790 and the gateway on :8787, the
 *    gateway's PLATFORM_API_URL pointing at the platform simulator
 * 4. once both answer, prints an admin token and requests that show a sync end to end
 *
 * Ctrl-C stops everything. Arguments after `--` go to the gateway's `wrangler dev`,
 * e.g. `npm run dev -- --var LOG_LEVEL:debug`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { ensureDevVars, root } from "./lib/dev-vars.ts";
import { mintToken } from "./lib/mint.ts";

const port = Number(process.env.PORT ?? 8787);
const simsPort = Number(process.env.SIMS_PORT ?? 8790);
const base = `http://127.0.0.1:${port}`;
const sims = `http://127.0.0.1:${simsPort}`;
const wrangler = `${root}node_modules/.bin/wrangler`;

const { vars, added } = ensureDevVars();
if (added.length > 0) console.log(`.dev.vars: generated dev-only ${added.join(", ")}.`);

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CI: "1" }, // no confirmation prompt
});
if (migrate.status !== 0) {
  console.error("Applying the local D1 migrations failed; see above.");
  process.exit(migrate.status ?? 1);
}

const quiet = ["--show-interactive-dev-session=false", "--log-level", "warn"];
const children: ChildProcess[] = [
  spawn(
    wrangler,
    [
      "dev",
      "-c",
      "simulators/wrangler.toml",
      "--port",
      String(simsPort),
      "--inspector-port",
      "9230",
      "--var",
      `PLATFORM_TOKEN:${vars.PLATFORM_API_TOKEN}`,
      ...quiet,
    ],
    { cwd: root, stdio: "inherit" },
  ),
  spawn(
    wrangler,
    [
      "dev",
      "--port",
      String(port),
      "--inspector-port",
      "9229",
      "--test-scheduled",
      "--var",
      "ALLOW_LOOPBACK_HTTP:true",
      "--var",
      `PLATFORM_API_URL:${sims}/platform`,
      "--show-interactive-dev-session=false",
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: "inherit" },
  ),
];

// One Ctrl-C stops everything; if any process exits, the others are stopped too.
let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
for (const child of children) child.on("exit", (code) => stop(code ?? 0));

await Promise.all([waitFor(`${base}/health`), waitFor(`${sims}/`)]);
if (!stopping) printWelcome(await mintToken(vars.JWT_SECRET ?? "", { role: "admin" }));

function printWelcome(token: string): void {
  const csv = `${sims}/files/generated/catalogue.csv?rows=2000`;
  console.log(`
────────────────────────────────────────────────────────────────────────────────
 Gateway      ${base}   (API reference: ${base}/docs)
 Simulators   ${sims}   (platform: /platform, file host: /files)

 Admin token (12 h; others: npm run -s token -- --role merchant --merchant demo-merchant):
   export TOKEN=${token}

 Sync a generated 2,000-row CSV catalogue into the platform simulator:
   ID=$(curl -s -X POST ${base}/api/integrations -H "Authorization: Bearer $TOKEN" \\
     -H 'Content-Type: application/json' -d '{"merchantId":"demo-merchant","name":"Demo CSV","type":"webhook",
     "connector":"csv","credentials":{"url":"${csv}"},"settings":{"decimalSeparator":","}}' | jq -r .data.id)
   RUN=$(curl -s -X POST ${base}/api/integrations/$ID/sync -H "Authorization: Bearer $TOKEN" \\
     -H 'Content-Type: application/json' -d '{"type":"full"}' | jq -r .data.runId)
   curl -s ${base}/api/runs/$RUN -H "Authorization: Bearer $TOKEN" | jq .data.status,.data.progress
   curl -s "${sims}/platform/__sim/merchants/demo-merchant/prices" | jq .count

 Crons on demand:  curl "${base}/__scheduled?cron=*+*+*+*+*"   (polling)
                   curl "${base}/__scheduled?cron=0+3+*+*+*"   (maintenance)
────────────────────────────────────────────────────────────────────────────────
`);
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 240 && !stopping; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!stopping) console.error(`${url} did not answer within 2 minutes.`);
}
