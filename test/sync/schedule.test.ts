import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { api } from "../helpers/api.ts";
import { admin, merchant } from "../helpers/auth.ts";
import { eventually } from "../helpers/eventually.ts";
import { csvIntegration, startSync } from "../helpers/integrations.ts";
import { platformRecords, setPlatformFaults, waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const CSV = ["sku,name,price,stock", "S-1,One,1.50,1", "S-2,Two,2.50,2"].join("\n");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Integrations made by the current test; deleted after it so that later crons do not find them due. */
let created: string[] = [];
afterEach(async () => {
  const token = await admin();
  for (const id of created) await api("DELETE", `/api/integrations/${id}`, { token });
  created = [];
});

async function integration(
  merchantId: string,
  options: { type?: string; status?: string; syncInterval?: number } = {},
): Promise<string> {
  const id = await csvIntegration(merchantId, {
    csv: CSV,
    type: options.type ?? "polling",
    status: options.status ?? "active",
    settings: { syncInterval: options.syncInterval ?? 2 * MINUTE },
  });
  created.push(id);
  return id;
}

/** Fires the polling cron as the runtime would, for `scheduledTime`. */
function cron(scheduledTime: number) {
  return worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime }), env);
}

/** next_sync_at as stored (ms), or null. */
async function storedNextSync(id: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT next_sync_at FROM integrations WHERE id = ?")
    .bind(id)
    .first<{ next_sync_at: number | null }>();
  if (!row) throw new Error(`no integration ${id}`);
  return row.next_sync_at;
}

/** nextSyncAt as GET /api/integrations/{id} shows it. */
async function shownNextSync(id: string): Promise<string | null> {
  const res = await api("GET", `/api/integrations/${id}`, { token: await admin() });
  expect(res.status).toBe(200);
  return res.body.data.nextSyncAt;
}

async function dueAt(id: string): Promise<number> {
  const at = await storedNextSync(id);
  if (at === null) throw new Error(`integration ${id} has no nextSyncAt`);
  return at;
}

interface StoredRun {
  id: string;
  type: string;
  trigger: string;
  trigger_key: string | null;
  status: string;
  last_error: string | null;
  finished_at: number | null;
}

async function runsOf(id: string): Promise<StoredRun[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, type, trigger, trigger_key, status, last_error, finished_at FROM sync_runs WHERE integration_id = ? ORDER BY created_at, id",
  )
    .bind(id)
    .all<StoredRun>();
  return results;
}

async function runById(id: string): Promise<StoredRun | null> {
  return env.DB.prepare(
    "SELECT id, type, trigger, trigger_key, status, last_error, finished_at FROM sync_runs WHERE id = ?",
  )
    .bind(id)
    .first<StoredRun>();
}

describe("the polling cron", () => {
  it.each(["polling", "hybrid"])(
    "starts one full `schedule` run for a due %s integration and moves nextSyncAt one interval on",
    async (type) => {
      const merchantId = newMerchant(`m-due-${type}`);
      const id = await integration(merchantId, { type, syncInterval: 2 * MINUTE });
      const window = await dueAt(id);
      expect(await shownNextSync(id)).toBe(new Date(window).toISOString());

      await cron(window);
      const runs = await runsOf(id);
      expect(runs).toMatchObject([{ type: "full", trigger: "schedule", trigger_key: `schedule:${window}` }]);
      expect(await shownNextSync(id)).toBe(new Date(window + 2 * MINUTE).toISOString());

      const run = await waitForRun(runs[0]?.id ?? "");
      expect(run.status).toBe("succeeded");
      expect((await platformRecords(merchantId, "products")).count).toBe(2);
      const shown = await api("GET", `/api/runs/${run.id}`, { token: await merchant(merchantId) });
      expect(shown.body.data).toMatchObject({ trigger: "schedule", type: "full" });

      // Not due again before the next window; at it, the next run.
      await cron(window + 2 * MINUTE - 1);
      expect(await runsOf(id)).toHaveLength(1);
      await cron(window + 2 * MINUTE);
      const after = await runsOf(id);
      expect(after.map((r) => r.trigger_key)).toEqual([`schedule:${window}`, `schedule:${window + 2 * MINUTE}`]);
      expect(await storedNextSync(id)).toBe(window + 4 * MINUTE);
      await waitForRun(after[1]?.id ?? "");
    },
  );

  it("starts exactly one run when the same cron fires twice for the same time", async () => {
    const id = await integration(newMerchant("m-twice"));
    const window = await dueAt(id);
    await cron(window + 1000);
    await cron(window + 1000);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(await storedNextSync(id)).toBe(window + 1000 + 2 * MINUTE);
    await waitForRun(runs[0]?.id ?? "");
  });

  it("starts exactly one run when two invocations overlap", async () => {
    const id = await integration(newMerchant("m-overlap"));
    const window = await dueAt(id);
    await Promise.all([cron(window), cron(window), cron(window)]);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.trigger_key).toBe(`schedule:${window}`);
    expect(await storedNextSync(id)).toBe(window + 2 * MINUTE);
    await waitForRun(runs[0]?.id ?? "");
  });

  it("does not catch up after a late cron: one run, and the next window a full interval after the cron", async () => {
    const id = await integration(newMerchant("m-late"), { syncInterval: MINUTE });
    const window = await dueAt(id);
    // Ten windows were missed.
    const late = window + 10 * MINUTE + 12_345;
    await cron(late);
    expect(await runsOf(id)).toHaveLength(1);
    expect(await storedNextSync(id)).toBe(late + MINUTE);
    expect(await shownNextSync(id)).toBe(new Date(late + MINUTE).toISOString());
    await cron(late + 30_000);
    await cron(late);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.trigger_key).toBe(`schedule:${window}`);
    await waitForRun(runs[0]?.id ?? "");
  });

  it("skips paused integrations, leaving their window as it was, until they are resumed", async () => {
    const merchantId = newMerchant("m-paused");
    const id = await integration(merchantId, { status: "paused" });
    const window = await dueAt(id);
    await cron(window + 5 * MINUTE);
    expect(await runsOf(id)).toEqual([]);
    expect(await storedNextSync(id)).toBe(window);

    const resumed = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { status: "active" },
    });
    expect(resumed.status).toBe(200);
    await cron(window + 6 * MINUTE);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(await storedNextSync(id)).toBe(window + 8 * MINUTE);
    await waitForRun(runs[0]?.id ?? "");
  });

  it("skips webhook-only integrations, even with a stray nextSyncAt", async () => {
    const id = await integration(newMerchant("m-webhook"), { type: "webhook" });
    expect(await storedNextSync(id)).toBeNull();
    expect(await shownNextSync(id)).toBeNull();
    const stray = Date.now() - HOUR;
    await env.DB.prepare("UPDATE integrations SET next_sync_at = ? WHERE id = ?").bind(stray, id).run();
    await cron(Date.now());
    expect(await runsOf(id)).toEqual([]);
    expect(await storedNextSync(id)).toBe(stray);
  });

  it("coalesces a window onto the active run of the same type, and still moves the window on", async () => {
    const id = await integration(newMerchant("m-busy"));
    const window = await dueAt(id);
    const manual = await startSync(id, { type: "full", delay: 10 * MINUTE });
    await cron(window);
    expect((await runsOf(id)).map((r) => [r.id, r.trigger, r.status])).toEqual([[manual, "manual", "queued"]]);
    expect(await storedNextSync(id)).toBe(window + 2 * MINUTE);

    // The next window, with the run still queued: coalesced again, not started, not lost.
    await cron(window + 2 * MINUTE);
    expect(await runsOf(id)).toHaveLength(1);
    expect(await storedNextSync(id)).toBe(window + 4 * MINUTE);
  });

  it("is not blocked by an active run of another type", async () => {
    const id = await integration(newMerchant("m-other-type"));
    const window = await dueAt(id);
    const manual = await startSync(id, { type: "products", delay: 10 * MINUTE });
    await cron(window);
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.id === manual ? "manual" : r.trigger, r.type])).toEqual([
      ["manual", "products"],
      ["schedule", "full"],
    ]);
    await waitForRun(runs[1]?.id ?? "");
  });

  it("fails runs that stopped moving (running for an hour, queued for 13), and leaves the others", async () => {
    const id = await integration(newMerchant("m-stalled"), { type: "webhook" });
    const now = Date.now();
    const runIds: Record<string, string> = {};
    for (const type of ["products", "inventory", "prices", "full"]) {
      runIds[type] = await startSync(id, { type, delay: 10 * MINUTE });
    }
    const set = (runId: string, status: string, updatedAt: number) =>
      env.DB.prepare("UPDATE sync_runs SET status = ?, updated_at = ? WHERE id = ?")
        .bind(status, updatedAt, runId)
        .run();
    await set(runIds.products ?? "", "running", now - HOUR - 1000); // stalled
    await set(runIds.inventory ?? "", "running", now - 10 * MINUTE); // slow, but moving
    await set(runIds.prices ?? "", "queued", now - 14 * HOUR); // stalled
    await set(runIds.full ?? "", "queued", now - 2 * HOUR); // waiting out a delay

    await cron(now);

    const products = await runById(runIds.products ?? "");
    expect(products).toMatchObject({ status: "failed", finished_at: now });
    expect(products?.last_error).toMatch(/^stalled: no progress for 60 minutes$/);
    const prices = await runById(runIds.prices ?? "");
    expect(prices).toMatchObject({ status: "failed" });
    expect(prices?.last_error).toMatch(/stalled/);
    expect((await runById(runIds.inventory ?? ""))?.status).toBe("running");
    expect((await runById(runIds.full ?? ""))?.status).toBe("queued");

    // What the user sees: the run failed with the reason, and a new run of that type can start.
    const shown = await api("GET", `/api/runs/${runIds.products}`, { token: await admin() });
    expect(shown.body.data).toMatchObject({ status: "failed", lastError: expect.stringMatching(/stalled/) });
    const again = await api("POST", `/api/integrations/${id}/sync`, {
      token: await admin(),
      body: { type: "products" },
    });
    expect(again.status).toBe(202);
    expect(again.body.data.coalesced).toBe(false);
    await waitForRun(again.body.data.runId);
  });

  it("does not fail as stalled a run that is waiting out the platform's Retry-After", async () => {
    const merchantId = newMerchant("m-retry-after");
    const id = await integration(merchantId, { type: "webhook" });
    // The platform asks for two hours; the consumer honours that (queues allow up to 12 hours).
    await setPlatformFaults(merchantId, { rateLimitNext: 1, retryAfterSeconds: 2 * 3600 });
    const runId = await startSync(id, { type: "inventory" });
    const token = await admin();
    const run = await eventually(
      async () => {
        const shown = (await api("GET", `/api/runs/${runId}`, { token })).body.data;
        return shown.lastError && shown;
      },
      { timeout: 10_000 },
    );
    expect(run).toMatchObject({ status: "running", attempts: 1, lastError: expect.stringMatching(/429/) });

    // An hour and a bit later the retry is still scheduled: the run has not lost its worker.
    await cron(Date.now() + HOUR + MINUTE);
    const after = (await api("GET", `/api/runs/${runId}`, { token: await admin() })).body.data;
    expect(after.status, after.lastError).toBe("running");
  });

  it("keeps an earlier error of a stalled run and adds the stall to it", async () => {
    const id = await integration(newMerchant("m-stalled-err"), { type: "webhook" });
    const runId = await startSync(id, { type: "inventory", delay: 10 * MINUTE });
    const now = Date.now();
    await env.DB.prepare(
      "UPDATE sync_runs SET status = 'running', last_error = 'platform answered 503', updated_at = ? WHERE id = ?",
    )
      .bind(now - 2 * HOUR, runId)
      .run();
    await cron(now);
    expect((await runById(runId))?.last_error).toBe("platform answered 503; stalled: no progress for 60 minutes");
  });
});

describe("nextSyncAt follows the integration's type", () => {
  it("is cleared when the integration becomes webhook-only, and set again when it polls again", async () => {
    const id = await integration(newMerchant("m-patch-type"));
    const token = await admin();
    expect(await shownNextSync(id)).not.toBeNull();

    const toWebhook = await api("PATCH", `/api/integrations/${id}`, { token, body: { type: "webhook" } });
    expect(toWebhook.status).toBe(200);
    expect(toWebhook.body.data.nextSyncAt).toBeNull();
    expect(await storedNextSync(id)).toBeNull();
    await cron(Date.now() + HOUR);
    expect(await runsOf(id)).toEqual([]);

    const before = Date.now();
    const toPolling = await api("PATCH", `/api/integrations/${id}`, { token, body: { type: "polling" } });
    const after = Date.now();
    expect(toPolling.status).toBe(200);
    const next = await dueAt(id);
    expect(next).toBeGreaterThanOrEqual(before);
    expect(next).toBeLessThanOrEqual(after);
    expect(toPolling.body.data.nextSyncAt).toBe(new Date(next).toISOString());
    expect(await shownNextSync(id)).toBe(new Date(next).toISOString());

    await cron(next);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    await waitForRun(runs[0]?.id ?? "");
  });

  it("is left alone by a PATCH that keeps the integration polling (the window is the cron's)", async () => {
    const id = await integration(newMerchant("m-patch-name"));
    const window = await dueAt(id);
    await cron(window);
    const advanced = await dueAt(id);
    expect(advanced).toBe(window + 2 * MINUTE);
    const token = await admin();
    for (const body of [{ name: "renamed" }, { type: "hybrid" }, { settings: { pageSize: 50 } }]) {
      const res = await api("PATCH", `/api/integrations/${id}`, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(await storedNextSync(id)).toBe(advanced);
    }
    await waitForRun((await runsOf(id))[0]?.id ?? "");
  });
});
