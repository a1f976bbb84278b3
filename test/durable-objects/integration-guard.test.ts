import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IntegrationGuard } from "../../src/durable-objects/integration-guard.ts";

describe("IntegrationGuard", () => {
  it("answers ping over RPC and keeps its count in its own SQLite storage", async () => {
    const stub = env.INTEGRATION_GUARD.get(env.INTEGRATION_GUARD.idFromName("int_ping"));
    const first = await stub.ping();
    const second = await stub.ping();
    expect(first).toMatchObject({ ok: true, pings: 1 });
    expect(second.pings).toBe(2);
    expect(second.firstPingAt).toBe(first.firstPingAt);

    const stored = await runInDurableObject(stub, (instance, state) => {
      expect(instance).toBeInstanceOf(IntegrationGuard);
      return state.storage.sql.exec<{ value: number }>("SELECT value FROM guard_meta WHERE key = 'pings'").one().value;
    });
    expect(stored).toBe(2);
  });

  it("gives each integration its own instance and state", async () => {
    const a = env.INTEGRATION_GUARD.get(env.INTEGRATION_GUARD.idFromName("int_a"));
    const b = env.INTEGRATION_GUARD.get(env.INTEGRATION_GUARD.idFromName("int_b"));
    await a.ping();
    await a.ping();
    expect((await b.ping()).pings).toBe(1);
  });
});
