/**
 * `npm run dev`: everything the gateway needs, locally, with no account and no network.
 *
 * 1. creates .dev.vars with fresh dev-only secrets if it is missing
 * 2. applies the D1 migrations to the local database (.wrangler/state)
 * 3. starts `wrangler dev` (crons testable at /__scheduled) and, once /health answers,
 *    prints an admin token and example requests
 *
 * Arguments after `--` go to `wrangler dev`, e.g. `npm run dev -- --var LOG_LEVEL:debug`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { ensureDevVars, root } from "./lib/dev-vars.ts";
import { mintToken } from "./lib/mint.ts";

const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
const wrangler = `${root}node_modules/.bin/wrangler`;

const { vars, created } = ensureDevVars();
if (created) console.log("Created .dev.vars with fresh dev-only JWT_SECRET and ENCRYPTION_KEY.");

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CI: "1" }, // no confirmation prompt
});
if (migrate.status !== 0) {
  console.error("Applying the local D1 migrations failed; see above.");
  process.exit(migrate.status ?? 1);
}

const children: ChildProcess[] = [
  spawn(
    wrangler,
    [
      "dev",
      "--port",
      String(port),
      "--test-scheduled",
      "--var",
      "ALLOW_LOOPBACK_HTTP:true",
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

await waitForHealth();
const token = await mintToken(vars.JWT_SECRET ?? "", { role: "admin" });
console.log(`
────────────────────────────────────────────────────────────────────────
 Integration gateway running at ${base}   (docs: ${base}/docs)

 Admin token (12 h; mint others with: npm run -s token -- --role merchant --merchant merchant-123):
   export TOKEN=${token}

 Try:
   curl -s ${base}/health
   curl -s -H "Authorization: Bearer $TOKEN" ${base}/api/integrations/system/health
   curl -s -X POST ${base}/api/integrations -H "Authorization: Bearer $TOKEN" \\
     -H 'Content-Type: application/json' -d '{"merchantId":"merchant-123","name":"Main Store Logo","connector":"logo",
     "credentials":{"endpoint":"https://erp.example.com/api/v1","username":"u","password":"p","firmNo":1}}'
   curl -s -H "Authorization: Bearer $TOKEN" ${base}/api/integrations
   curl -s "${base}/__scheduled?cron=0+3+*+*+*"      # run the daily maintenance cron now
────────────────────────────────────────────────────────────────────────
`);

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 240 && !stopping; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!stopping) console.error(`The gateway did not answer ${base}/health within 2 minutes.`);
}
