import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { eventually } from "../helpers/eventually.ts";
import { csvIntegration, startSync } from "../helpers/integrations.ts";
import { platformRecords, type RunBody, waitForRun } from "../helpers/sims.ts";
import { newMerchant, pause } from "../helpers/unique.ts";

/** A CSV file of `rows` products. */
function csv(rows: number): string {
  const lines = ["sku,name,price,stock"];
  for (let i = 1; i <= rows; i++) lines.push(`TH-${i},Product ${i},${i}.50,${i}`);
  return lines.join("\n");
}

const startFullSync = (id: string): Promise<string> => startSync(id, { type: "full" });

async function guardState(id: string) {
  const res = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
  expect(res.status).toBe(200);
  return res.body.data as {
    circuit: { state: string; failures: number };
    rateLimit: { pausedUntil: string | null };
    leases: unknown[];
  };
}

async function runOf(runId: string): Promise<RunBody> {
  const res = await api<{ data: RunBody }>("GET", `/api/runs/${runId}`, { token: await admin() });
  expect(res.status).toBe(200);
  return res.body.data;
}

describe("the rate limit of an integration, end to end through the queue", () => {
  it("pauses every call while the file host answers 503 with Retry-After, and the run still succeeds", async () => {
    const merchantId = newMerchant("m-503");
    const id = await csvIntegration(merchantId, { csv: csv(3), fileHeaders: { "x-fail-next": "2" } });
    const runId = await startFullSync(id);

    // While the host asks for quiet, the guard shows the pause.
    let pausedUntil: string | null = null;
    for (let i = 0; i < 500 && pausedUntil === null; i++) {
      pausedUntil = (await guardState(id)).rateLimit.pausedUntil;
      if (pausedUntil === null && !["queued", "running"].includes((await runOf(runId)).status)) break;
      await pause(10);
    }
    expect(pausedUntil, "GET /circuit never showed a pause").toEqual(expect.any(String));

    const run = await waitForRun(runId);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.progress).toMatchObject({ itemsRead: 3, itemsRejected: 0 });
    expect((await platformRecords(merchantId, "products")).count).toBe(3);
    // Two 503s are below the threshold, and the success afterwards clears them.
    const after = await guardState(id);
    expect(after.circuit).toMatchObject({ state: "closed", failures: 0 });
    expect(after.leases).toEqual([]);
  });

  it("completes a run of many small pages under a tight rate limit, waiting for slots", async () => {
    const merchantId = newMerchant("m-slots");
    const rows = 6;
    const id = await csvIntegration(merchantId, {
      csv: csv(rows),
      settings: { pageSize: 1, rateLimitRequests: 2, rateLimitPer: "second" },
    });
    const run = await waitForRun(await startFullSync(id));
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect(run.progress.itemsRead).toBe(rows);
    expect(run.progress.pagesDone).toBeGreaterThanOrEqual(rows);
    const products = await platformRecords(merchantId, "products");
    expect(products.count).toBe(rows);
    expect(Object.values(products.writes).every((n) => n === 1)).toBe(true);
    const guard = await guardState(id);
    expect(guard.circuit).toMatchObject({ state: "closed", failures: 0 });
    expect(guard.leases).toEqual([]);
  });

  it("puts a page back until its slot when the rate limit has none soon enough, without counting it as a failure", async () => {
    const merchantId = newMerchant("m-later");
    // One call a minute: the second page's slot is far beyond what a page waits for.
    const id = await csvIntegration(merchantId, {
      csv: csv(3),
      settings: { pageSize: 1, rateLimitRequests: 1, rateLimitPer: "minute" },
    });
    const runId = await startFullSync(id);
    try {
      let run = await eventually(async () => {
        const r = await runOf(runId);
        return r.lastError !== null && r;
      });
      // Give wrongly counted failures time to pile up (retries come back at once in tests).
      await pause(1000);
      run = await runOf(runId);
      expect(run.status).toBe("running");
      const guard = await guardState(id);
      expect(guard.circuit, "waiting for the rate limit counted against the circuit").toMatchObject({
        state: "closed",
        failures: 0,
      });
      expect(run.lastError).toMatch(/^waiting \(rate limited\)/);
      expect(run.attempts).toBe(0);
    } finally {
      // The page would come back in a minute; without its integration it is dropped.
      const deleted = await api("DELETE", `/api/integrations/${id}`, { token: await admin() });
      expect(deleted.status).toBeLessThan(300);
    }
  });
});
