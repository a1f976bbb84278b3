import { buildSync } from "esbuild";
import { root } from "../../scripts/lib/dev-vars.ts";

/**
 * Bundles one of the webhook benchmark's Workers (bench/webhooks/<name>.ts) into one module
 * inside the project, where workerd may load it, and returns its path.
 */
export function buildBenchWorker(name: "bare-worker" | "probe-worker"): string {
  const outfile = `${root}.bench/webhooks/${name}.mjs`;
  buildSync({
    entryPoints: [`${root}bench/webhooks/${name}.${name === "probe-worker" ? "js" : "ts"}`],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
  return outfile;
}
