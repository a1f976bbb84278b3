import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin, merchant } from "../helpers/auth.ts";
import { createIntegration, startSync } from "../helpers/integrations.ts";
import { platformRecords, platformRequests, putFile, setPlatformFaults, waitForRun } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const ROWS = ["sku,name,price,stock", "F-1,One,1,1", "F-2,Two,2,2", "F-3,Three,3,3", "F-4,Four,4,4"].join("\n");

async function setUp(label: string, settings: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}) {
  const merchantId = newMerchant(label);
  const url = await putFile(`${merchantId}.csv`, ROWS);
  const id = await createIntegration({
    merchantId,
    name: label,
    type: "webhook",
    connector: "csv",
    credentials: { url, ...credentials },
    // The circuit would make failing jobs wait rather than die (test/guard covers that): here
    // its threshold is above the queue's retries, so retries and dead letters are what is tested.
    settings: { pageSize: 2, circuitFailureThreshold: 20, ...settings },
  });
  return { merchantId, id, url };
}

describe("a platform that keeps failing", () => {
  it("retries, dead-letters the page, and after recovery a replay completes the run without pushing anything twice", async () => {
    const { merchantId, id } = await setUp("m-dead");
    // Page 1 goes through; page 2 fails on every attempt.
    await setPlatformFaults(merchantId, { passNext: 1, failNext: 1000 });
    const runId = await startSync(id, { type: "inventory" });
    const dead = await waitForRun(runId);
    expect(dead.status).toBe("dead");
    expect(dead.progress.pagesDone).toBe(1);
    expect(dead.lastError).toMatch(/500/);
    expect((await platformRecords(merchantId, "inventory")).items.map((r) => r.sku)).toEqual(["F-1", "F-2"]);
    // wrangler.toml allows 8 retries: 9 deliveries of page 2, all refused by the platform.
    const failed = (await platformRequests(merchantId)).requests.filter((r) => r.injected);
    expect(failed).toHaveLength(9);

    const token = await merchant(merchantId);
    const letters = await api("GET", `/api/dead-letters?integrationId=${id}`, { token });
    expect(letters.status).toBe(200);
    expect(letters.body.pagination.total).toBe(1);
    const letter = letters.body.data[0];
    expect(letter).toMatchObject({ runId, integrationId: id, merchantId, status: "pending", attempts: 9 });
    expect(letter.error).toMatch(/500/);
    expect(letter.message).toMatchObject({ kind: "sync.page", runId, stream: 0, page: 1 });

    await setPlatformFaults(merchantId, {});
    const replayed = await api("POST", `/api/dead-letters/${letter.id}/replay`, { token });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
    expect(replayed.body.data.status).toBe("replayed");
    const done = await waitForRun(runId);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ pagesDone: 2, itemsPushed: 4 });

    const inventory = await platformRecords(merchantId, "inventory");
    expect(inventory.items.map((r) => r.sku)).toEqual(["F-1", "F-2", "F-3", "F-4"]);
    expect(inventory.writes).toEqual({ "F-1": 1, "F-2": 1, "F-3": 1, "F-4": 1 });

    const again = await api("POST", `/api/dead-letters/${letter.id}/replay`, { token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CONFLICT");
  });

  it("does not push again what the platform accepted before a page failed part-way", async () => {
    const { merchantId, id } = await setUp("m-partway", { pageSize: 10 });
    // One page, three entities: products go through, inventory fails twice, then all recovers.
    await setPlatformFaults(merchantId, { passNext: 1, failNext: 2 });
    const run = await waitForRun(await startSync(id, { type: "full" }));
    expect(run.status).toBe("succeeded");
    const accepted = (await platformRequests(merchantId)).requests.filter((r) => r.status === 200 && !r.replayed);
    expect(accepted.map((r) => r.entity).sort()).toEqual(["inventory", "prices", "products"]);
    expect((await platformRecords(merchantId, "products")).writes).toEqual({ "F-1": 1, "F-2": 1, "F-3": 1, "F-4": 1 });
  });

  it("waits out a 429 and succeeds", async () => {
    const { merchantId, id } = await setUp("m-429");
    await setPlatformFaults(merchantId, { rateLimitNext: 2, retryAfterSeconds: 1 });
    const run = await waitForRun(await startSync(id, { type: "prices" }));
    expect(run.status).toBe("succeeded");
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    expect((await platformRecords(merchantId, "prices")).count).toBe(4);
  });
});

describe("failures that retrying cannot fix", () => {
  it("fails the run at once when the platform refuses the request as such (4xx)", async () => {
    const { merchantId, id } = await setUp("m-400");
    await setPlatformFaults(merchantId, { failNext: 1, failStatus: 400 });
    const run = await waitForRun(await startSync(id, { type: "products" }));
    expect(run.status).toBe("failed");
    expect(run.attempts).toBe(0);
    expect(run.lastError).toMatch(/400/);
    expect((await platformRequests(merchantId)).count).toBe(1);
    const letters = await api("GET", `/api/dead-letters?integrationId=${id}`, { token: await admin() });
    expect(letters.body.pagination.total).toBe(0);
  });

  it("fails the run at once when the file host refuses the credentials, saying so", async () => {
    const merchantId = newMerchant("m-401");
    const url = await putFile(`${merchantId}.csv`, ROWS, { "x-require-authorization": "Bearer right-token" });
    const res = await api("POST", "/api/integrations", {
      token: await admin(),
      body: {
        merchantId,
        name: "locked",
        type: "webhook",
        connector: "csv",
        credentials: { url, bearerToken: "wrong-token" },
      },
    });
    const run = await waitForRun(await startSync(res.body.data.id, {}));
    expect(run.status).toBe("failed");
    expect(run.lastError).toMatch(/401|credentials/);
    expect((await platformRequests(merchantId)).count).toBe(0);
  });

  it("fails a run whose integration was deleted meanwhile, and the deletion takes its runs with it", async () => {
    const { id } = await setUp("m-gone");
    const runId = await startSync(id, { type: "products", delay: 2000 });
    const deleted = await api("DELETE", `/api/integrations/${id}`, { token: await admin() });
    expect(deleted.status).toBe(200);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sync_runs WHERE id = ?")
      .bind(runId)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
