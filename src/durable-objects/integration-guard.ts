import { DurableObject } from "cloudflare:workers";

/**
 * One instance per integration (`idFromName(integrationId)`), SQLite-backed. It will hold the
 * integration's circuit breaker, rate limiter, sync leases and webhook dedupe store, so that
 * one merchant's failing ERP never affects another's. For now it answers a liveness probe.
 */
export class IntegrationGuard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Schema set-up before any call is served; cheap and idempotent on every start.
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS guard_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    });
  }

  /** Liveness: proves the object runs and its storage reads and writes. */
  async ping(): Promise<{ ok: true; pings: number; firstPingAt: number }> {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO guard_meta (key, value) VALUES ('first_ping_at', ?) ON CONFLICT (key) DO NOTHING", now);
    sql.exec(
      "INSERT INTO guard_meta (key, value) VALUES ('pings', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1",
    );
    const rows = sql.exec<{ key: string; value: number }>("SELECT key, value FROM guard_meta").toArray();
    const get = (key: string) => rows.find((r) => r.key === key)?.value ?? 0;
    return { ok: true, pings: get("pings"), firstPingAt: get("first_ping_at") };
  }
}
