import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { phaseOf } from "../../src/health/store.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { everyMinute } from "../helpers/cron.ts";
import { eventually } from "../helpers/eventually.ts";
import { logoIntegration } from "../helpers/integrations.ts";
import { configureLogo, logoStats, newLogoTenant } from "../helpers/logo.ts";
import { newMerchant } from "../helpers/unique.ts";

const MIN = 60_000;
const ON = { HEALTH_CHECKS_PER_RUN: "10", HEALTH_CHECK_INTERVAL_MINUTES: "15" };

async function logo(label: string, settings: Record<string, unknown> = {}) {
  const tenant = newLogoTenant(label);
  await configureLogo(tenant, { sql: true });
  const id = await logoIntegration(newMerchant(label), tenant, settings);
  return { id, tenant };
}

const integration = async (id: string) =>
  (await api("GET", `/api/integrations/${id}`, { token: await admin() })).body.data;
const guard = async (id: string) =>
  (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data;

describe("scheduled health checks", () => {
  it("gives each integration a slot in its first interval, then checks it once per interval, shown on the integration", async () => {
    const a = await logo("hc-a");
    const b = await logo("hc-b");
    const t0 = Date.now();
    await everyMinute(t0, ON);

    const seenA = await integration(a.id);
    expect(seenA.health).toMatchObject({ status: "pending", checkedAt: null, consecutiveFailures: 0 });
    const slotA = Date.parse(seenA.health.nextCheckAt);
    const slotB = Date.parse((await integration(b.id)).health.nextCheckAt);
    for (const slot of [slotA, slotB]) {
      expect(slot).toBeGreaterThanOrEqual(t0);
      expect(slot).toBeLessThan(t0 + 15 * MIN);
    }
    expect(slotA - t0).toBe(phaseOf(a.id, 15 * MIN));
    expect((await logoStats(a.tenant)).logins).toBe(0);

    const first = t0 + 15 * MIN;
    await everyMinute(first, ON);
    const checked = await integration(a.id);
    expect(checked.health).toMatchObject({
      status: "ok",
      checkedAt: new Date(first).toISOString(),
      message: null,
      consecutiveFailures: 0,
      nextCheckAt: new Date(first + 15 * MIN).toISOString(),
    });
    expect(checked.health.latencyMs).toEqual(expect.any(Number));
    expect((await integration(b.id)).health.status).toBe("ok");
    expect((await logoStats(a.tenant)).logins).toBe(1);
    // A connection test spends the interactive budget; the syncs' bucket is untouched.
    const budgets = await guard(a.id);
    expect(budgets.interactiveRateLimit.tokens).toBeLessThan(budgets.interactiveRateLimit.requests);
    expect(budgets.rateLimit.tokens).toBe(budgets.rateLimit.requests);

    // Not again within the interval, even from two crons at once; again when it is due.
    await Promise.all([everyMinute(first + MIN, ON), everyMinute(first + MIN, ON)]);
    expect((await logoStats(a.tenant)).logins).toBe(1);
    await Promise.all([everyMinute(first + 15 * MIN, ON), everyMinute(first + 15 * MIN, ON)]);
    expect((await logoStats(a.tenant)).logins).toBe(2);
  });

  it("follows the integration's own interval", async () => {
    const fast = await logo("hc-fast", { healthCheckIntervalMinutes: 2 });
    const t0 = Date.now();
    await everyMinute(t0, ON);
    const slot = Date.parse((await integration(fast.id)).health.nextCheckAt);
    expect(slot - t0).toBe(phaseOf(fast.id, 2 * MIN));
    await everyMinute(t0 + 2 * MIN, ON);
    await everyMinute(t0 + 4 * MIN, ON);
    expect((await logoStats(fast.tenant)).logins).toBe(2);
  });

  it("records failing checks without secrets, opens the circuit at its threshold, and closes it as the probe once the ERP is back", async () => {
    const { id, tenant } = await logo("hc-fail", { healthCheckIntervalMinutes: 1, circuitCooldownSeconds: 1 });
    let at = Date.now();
    await everyMinute(at, ON);
    await configureLogo(tenant, { errorRate: 1 });

    for (let n = 1; n <= 3; n++) {
      at += MIN;
      await everyMinute(at, ON);
      const { health } = await integration(id);
      expect(health).toMatchObject({ status: "error", consecutiveFailures: n });
      expect(health.message).toMatch(/^readItems: /);
      expect(health.message).not.toContain("logo-pass");
      expect(health.message).not.toContain("/api/v1");
    }
    const open = await guard(id);
    expect(open.circuit).toMatchObject({ state: "open", opens: 1 });

    await configureLogo(tenant, { errorRate: 0 });
    // While the circuit is open the check waits for it; once the cool-down is over it is the probe.
    const back = await eventually(async () => {
      at += MIN;
      await everyMinute(at, ON);
      const state = await guard(id);
      return state.circuit.state === "closed" && state;
    });
    expect(back.circuit.failures).toBe(0);
    expect((await integration(id)).health).toMatchObject({ status: "ok", consecutiveFailures: 0 });
    const transitions = await env.DB.prepare(
      "SELECT type FROM integration_events WHERE integration_id = ? AND type LIKE 'integration.circuit_%' ORDER BY created_at, id",
    )
      .bind(id)
      .all<{ type: string }>();
    expect(transitions.results.map((r) => r.type)).toEqual([
      "integration.circuit_opened",
      "integration.circuit_closed",
    ]);
  });

  it("does not check paused integrations", async () => {
    const { id, tenant } = await logo("hc-paused", { healthCheckIntervalMinutes: 1 });
    const patched = await api("PATCH", `/api/integrations/${id}`, { token: await admin(), body: { status: "paused" } });
    expect(patched.status).toBe(200);
    const t0 = Date.now();
    await everyMinute(t0, ON);
    await everyMinute(t0 + 5 * MIN, ON);
    expect((await logoStats(tenant)).logins).toBe(0);
    expect((await integration(id)).health).toBeNull();
  });
});
