/**
 * `npm run dev`: the gateway and the local world it talks to, with no account and no network.
 *
 * 1. creates .dev.vars with fresh dev-only secrets (or adds the ones it lacks)
 * 2. applies the D1 migrations to the local database (.wrangler/state)
 * 3. starts the simulators (platform, file host) on :8790 and the gateway on :8787, the
 *    gateway's PLATFORM_API_URL pointing at the platform simulator
 * 4. once both answer, seeds a demo merchant with one integration per connector (through the
 *    API) and prints an admin token and requests that show syncs and an order end to end
 *
 * Ctrl-C stops everything. Arguments after `--` go to the gateway's `wrangler dev`,
 * e.g. `npm run dev -- --var LOG_LEVEL:debug`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { demoWebhookSecret } from "./lib/demo-webhook.ts";
import { ensureDevVars, root } from "./lib/dev-vars.ts";
import { mintToken } from "./lib/mint.ts";
import { DEMO_MERCHANT, type DemoIntegrations, seedDemo } from "./lib/seed.ts";

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
      "--var",
      `NOTIFICATION_SERVICE_URL:${sims}/receiver/alerts`,
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
if (!stopping) {
  const token = await mintToken(vars.JWT_SECRET ?? "", { role: "admin" });
  try {
    printWelcome(
      token,
      await seedDemo(base, sims, token, demoWebhookSecret(vars.JWT_SECRET ?? ""), vars.NOTIFICATION_SIGNING_SECRET),
    );
  } catch (error) {
    console.error(`Seeding the demo merchant failed: ${error instanceof Error ? error.message : error}`);
  }
}

function printWelcome(token: string, demo: DemoIntegrations): void {
  const auth = `-H "Authorization: Bearer $TOKEN"`;
  const json = `-H 'Content-Type: application/json'`;
  console.log(`
────────────────────────────────────────────────────────────────────────────────────────────
 Gateway      ${base}   (API reference: ${base}/docs)
 Simulators   ${sims}   (/platform, /files, /logo/demo, /netsis/demo)

 Admin token (12 h; others: npm run -s token -- --role merchant --merchant ${DEMO_MERCHANT}):
   export TOKEN=${token}

 Merchant "${DEMO_MERCHANT}" has one integration per connector, pointing at the simulators:
   Logo ERP (5,000 items)    ${demo.logo}
   Netsis ERP (5,000 items)  ${demo.netsis}
   CSV feed (2,000 rows)     ${demo.csv}

 1. Sync the Logo catalogue into the platform simulator, then look at the run and the result:
   curl -s -X POST ${base}/api/integrations/${demo.logo}/sync ${auth} ${json} -d '{"type":"full"}'
   curl -s "${base}/api/integrations/${demo.logo}/runs?limit=1" ${auth}
   curl -s ${sims}/platform/__sim/merchants/${DEMO_MERCHANT}/products | head -c 300; echo
 2. The same for Netsis:
   curl -s -X POST ${base}/api/integrations/${demo.netsis}/sync ${auth} ${json} -d '{"type":"full"}'
 3. Send an order to Logo (send it twice: the ERP still gets it once), then see it there:
   curl -s -X POST ${base}/api/integrations/${demo.logo}/orders ${auth} ${json} -d '{"orderNumber":"SO-1001",
     "customerCode":"120.01.001","createdAt":"2026-01-20T10:30:00Z","lines":[{"sku":"ITM-000001","quantity":2,"unitPrice":149.9}]}'
   curl -s ${sims}/logo/demo/__sim/orders
 4. A webhook from the ERP, signed as the seed says (send it twice: the second is a duplicate):
   npm run -s webhook -- ${demo.csv}
   curl -s ${base}/api/integrations/${demo.csv}/events ${auth}
   curl -s ${sims}/platform/__sim/merchants/${DEMO_MERCHANT}/inventory | head -c 300; echo

 5. Break the Netsis simulator: its health check (every minute) fails, and one alert, signed and
    shaped as Alertmanager's, reaches the receiver simulator; mend it and the alert resolves once:
   curl -s -X PATCH ${sims}/netsis/demo/__sim/config ${json} -d '{"errorRate":1}'
   curl -s "${base}/api/alerts?status=firing" ${auth}
   curl -s ${sims}/receiver/__sim/alerts/received | head -c 600; echo
   curl -s -X PATCH ${sims}/netsis/demo/__sim/config ${json} -d '{"errorRate":0}'

 Crons on demand:  curl "${base}/__scheduled?cron=*+*+*+*+*"   (polling)   …cron=0+3+*+*+*   (maintenance)
────────────────────────────────────────────────────────────────────────────────────────────
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
