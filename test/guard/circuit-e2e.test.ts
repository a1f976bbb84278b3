import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { eventually } from "../helpers/eventually.ts";
import { createIntegration, startSync } from "../helpers/integrations.ts";
import {
  platformRecords,
  platformRequests,
  putFile,
  type RunBody,
  setPlatformFaults,
  waitForRun,
} from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const ROWS = ["sku,name,price,stock", "C-1,One,1,1", "C-2,Two,2,2"].join("\n");

async function integration(label: string, fileHeaders: Record<string, string> = {}) {
  const merchantId = newMerchant(label);
  const url = await putFile(`${merchantId}.csv`, ROWS, fileHeaders);
  const id = await createIntegration({
    merchantId,
    name: label,
    type: "webhook",
    connector: "csv",
    credentials: { url },
    settings: { circuitCooldownSeconds: 1 },
  });
  return { merchantId, id };
}

async function trigger(id: string, type = "inventory") {
  return startSync(id, { type });
}

const circuit = async (id: string) =>
  (await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() })).body.data.circuit;
const events = async (id: string) =>
  (
    await env.DB.prepare(
      "SELECT type FROM integration_events WHERE integration_id = ? AND type LIKE 'integration.circuit_%' ORDER BY created_at, id",
    )
      .bind(id)
      .all<{ type: string }>()
  ).results.map((e) => e.type);

describe("one integration's platform fails", () => {
  it("opens its circuit after 3 failures, its job waits instead of dying, others sync on, and recovery completes it", async () => {
    const failing = await integration("m-cb-fail");
    const healthy = await integration("m-cb-ok");
    await setPlatformFaults(failing.merchantId, { failNext: 1000 });

    const runId = await trigger(failing.id);
    const open = await eventually(async () => {
      const c = await circuit(failing.id);
      return c.state === "open" && c;
    });
    expect(open).toMatchObject({ failures: 3, threshold: 3, opens: 1 });
    expect(open.lastFailure).toMatch(/500/);
    expect(await events(failing.id)).toEqual(["integration.circuit_opened"]);

    // The job is parked, not failed, and not on its way to the dead-letter queue.
    const waiting = await api<{ data: RunBody & { retryAt: string } }>("GET", `/api/runs/${runId}`, {
      token: await admin(),
    });
    expect(waiting.body.data.status).toBe("running");
    expect(waiting.body.data.lastError).toMatch(/waiting \(circuit open\)/);
    expect(waiting.body.data.attempts).toBeLessThanOrEqual(3);

    // Another merchant's integration syncs as if nothing happened.
    const other = await waitForRun(await trigger(healthy.id));
    expect(other.status).toBe("succeeded");
    expect((await platformRecords(healthy.merchantId, "inventory")).count).toBe(2);
    expect((await circuit(healthy.id)).state).toBe("closed");

    // Recovery: the next probe succeeds, the circuit closes and the waiting job completes.
    await setPlatformFaults(failing.merchantId, {});
    const done = await waitForRun(runId, { timeoutMs: 20_000 });
    expect(done.status).toBe("succeeded");
    expect((await circuit(failing.id)).state).toBe("closed");
    expect(await events(failing.id)).toEqual(["integration.circuit_opened", "integration.circuit_closed"]);
    expect((await platformRecords(failing.merchantId, "inventory")).writes).toEqual({ "C-1": 1, "C-2": 1 });
    const letters = await api("GET", `/api/dead-letters?integrationId=${failing.id}`, { token: await admin() });
    expect(letters.body.pagination.total).toBe(0);

    const audit = await api("GET", `/api/audit?targetId=${failing.id}`, { token: await admin() });
    const actions = audit.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["integration.circuit_opened", "integration.circuit_closed"]));
  });
});

describe("one integration's ERP fails", () => {
  it("opens the circuit on the file host's 503s and closes it when the host is back", async () => {
    // The file host answers 503 three times, then serves the file again.
    const erp = await integration("m-cb-erp", { "x-fail-next": "3" });
    const runId = await trigger(erp.id);
    await eventually(async () => (await events(erp.id)).includes("integration.circuit_opened"));
    const done = await waitForRun(runId, { timeoutMs: 20_000 });
    expect(done.status).toBe("succeeded");
    expect(await events(erp.id)).toEqual(["integration.circuit_opened", "integration.circuit_closed"]);
    expect((await platformRecords(erp.merchantId, "inventory")).count).toBe(2);
  });
});

describe("single flight", () => {
  it("never runs two syncs of the same type at once: concurrent triggers share one run", async () => {
    const one = await integration("m-cb-twice");
    const runIds = await Promise.all([trigger(one.id, "prices"), trigger(one.id, "prices"), trigger(one.id, "prices")]);
    expect(new Set(runIds).size).toBe(1);
    const run = await waitForRun(runIds[0] as string);
    expect(run.status).toBe("succeeded");
    expect((await platformRequests(one.merchantId)).requests.filter((r) => !r.replayed)).toHaveLength(1);
  });
});
