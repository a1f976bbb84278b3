import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Bundles the simulators Worker (simulators/index.ts) into one JavaScript module, as an
 * auxiliary Miniflare Worker needs it (tests and benchmark), and returns its path.
 */
export function buildSimulators(): string {
  const outfile = `${root}node_modules/.cache/igw/simulators.mjs`;
  buildSync({
    entryPoints: [`${root}simulators/index.ts`],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    logLevel: "warning",
  });
  return outfile;
}
