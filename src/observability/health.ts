import { sql } from "drizzle-orm";
import { loadConfig } from "../config.ts";
import { getDb } from "../db/client.ts";

export interface Check {
  status: "ok" | "error";
  latencyMs: number;
  message?: string;
}

/** Runs one check, timing it; a throw becomes an `error` with its message. */
async function timed(run: () => Promise<string | undefined>): Promise<Check> {
  const started = Date.now();
  try {
    const problem = await run();
    return {
      status: problem ? "error" : "ok",
      latencyMs: Date.now() - started,
      ...(problem ? { message: problem } : {}),
    };
  } catch (error) {
    return {
      status: "error",
      latencyMs: Date.now() - started,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * The detailed health of the gateway's dependencies: D1 answers a query, a Durable Object
 * answers an RPC and writes its storage, the queue bindings exist, and the configuration is
 * valid. Run in parallel; the overall status is the worst of them.
 */
export async function systemHealth(env: Env) {
  const [database, durableObjects, queues, config] = await Promise.all([
    timed(async () => {
      await getDb(env).run(sql`select 1`);
      return undefined;
    }),
    timed(async () => {
      const pong = await env.INTEGRATION_GUARD.get(env.INTEGRATION_GUARD.idFromName("__health__")).ping();
      return pong.ok ? undefined : "unexpected answer";
    }),
    timed(async () => (typeof env.SYNC_QUEUE?.send === "function" ? undefined : "SYNC_QUEUE binding is missing")),
    timed(async () => {
      const result = await loadConfig(env);
      return result.ok ? undefined : result.problems.join("; ");
    }),
  ]);
  const checks = { database, durableObjects, queues, config };
  const healthy = Object.values(checks).every((c) => c.status === "ok");
  return { status: healthy ? ("healthy" as const) : ("unhealthy" as const), checks };
}
