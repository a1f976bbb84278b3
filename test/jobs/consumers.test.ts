import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../src/db/client.ts";
import worker from "../../src/index.ts";
import { findIntegration } from "../../src/integrations/store.ts";
import { startRun } from "../../src/sync/runs.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { putFile, setPlatformFaults } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const message = (id: string, body: unknown, attempts = 1) => ({ id, timestamp: new Date(), attempts, body });

afterEach(() => vi.restoreAllMocks());

/** A queued run whose first page job is returned instead of being consumed by the real queue. */
async function queuedRun(merchantId: string) {
  const url = await putFile(`${merchantId}.csv`, "sku,name,price,stock\nQ-1,One,1,1\n");
  const res = await api("POST", "/api/integrations", {
    token: await admin(),
    body: { merchantId, name: "q", type: "webhook", connector: "csv", credentials: { url } },
  });
  const integration = await findIntegration(getDb(env), res.body.data.id);
  if (!integration) throw new Error("integration not created");
  // A long delay keeps the real queue from delivering this run while the test drives it by hand.
  const started = await startRun(env, getDb(env), integration, {
    type: "products",
    trigger: "manual",
    delaySeconds: 3600,
  });
  if (started.kind !== "started") throw new Error(`run not started: ${started.kind}`);
  const { run } = started;
  return { kind: "sync.page", runId: run.id, integrationId: run.integrationId, stream: 0, page: 0, cursor: null };
}

/**
 * Runs the queue handler on a batch. `retryOptions` holds what each message's retry() was
 * given: the test batch of the Vitest integration records that retry() was called, not its
 * delay, so the calls are watched here.
 */
async function consume(queue: string, messages: ReturnType<typeof message>[], overrides: Partial<Env> = {}) {
  const batch = createMessageBatch(queue, messages);
  const retryOptions = batch.messages.map((m) => vi.spyOn(m, "retry"));
  await worker.queue(batch, { ...env, ...overrides });
  const result = await getQueueResult(batch, createExecutionContext());
  return { ...result, retryOptions: retryOptions.map((spy) => spy.mock.calls[0]?.[0]) };
}

describe("job queue consumer", () => {
  it("acknowledges a processed page", async () => {
    const job = await queuedRun(newMerchant("m-ack"));
    const result = await consume("igw-sync", [message("m1", job)]);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries a page the platform rate-limits, no sooner than its Retry-After", async () => {
    const merchantId = newMerchant("m-retry-after");
    const job = await queuedRun(merchantId);
    await setPlatformFaults(merchantId, { rateLimitNext: 1, retryAfterSeconds: 37 });
    const result = await consume("igw-sync", [message("m1", job, 2)]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(result.retryOptions).toEqual([{ delaySeconds: 37 }]);
    const run = await api("GET", `/api/runs/${job.runId}`, { token: await admin() });
    expect(run.body.data).toMatchObject({ status: "running", attempts: 2 });
    expect(run.body.data.lastError).toMatch(/429/);
  });

  it("backs off exponentially with the configured base", async () => {
    const merchantId = newMerchant("m-backoff");
    const job = await queuedRun(merchantId);
    await setPlatformFaults(merchantId, { failNext: 1 });
    vi.spyOn(Math, "random").mockReturnValue(1);
    const result = await consume("igw-sync", [message("m1", job, 4)], { SYNC_RETRY_BASE_SECONDS: "5" });
    expect(result.retryOptions).toEqual([{ delaySeconds: 40 }]); // 5 * 2^(4-1)
  });

  it("acknowledges each message on its own: malformed ones are dropped and logged, others go on", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const job = await queuedRun(newMerchant("m-mixed"));
    const result = await consume("igw-sync", [
      message("bad-1", { kind: "sync.page" }),
      message("ok-1", job),
      message("bad-2", "text"),
    ]);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks.sort()).toEqual(["bad-1", "bad-2", "ok-1"]);
    const dropped = error.mock.calls
      .map(([l]) => JSON.parse(String(l)))
      .filter((l) => l.message === "dropping malformed sync message");
    expect(dropped.map((l) => l.messageId).sort()).toEqual(["bad-1", "bad-2"]);
  });

  it("acknowledges a job whose run is no longer active without doing anything", async () => {
    const merchantId = newMerchant("m-stale");
    const job = await queuedRun(merchantId);
    await env.DB.prepare("UPDATE sync_runs SET status = 'failed' WHERE id = ?").bind(job.runId).run();
    const result = await consume("igw-sync", [message("m1", job)]);
    expect(result.explicitAcks).toEqual(["m1"]);
  });
});

/** A D1 that is down: every statement fails. */
const downDb = {
  prepare() {
    throw new Error("D1 is down");
  },
  batch() {
    return Promise.reject(new Error("D1 is down"));
  },
  exec() {
    return Promise.reject(new Error("D1 is down"));
  },
} as unknown as D1Database;

describe("job consumer when its own bookkeeping fails", () => {
  it("retries the message, not the batch, when the run cannot be noted because D1 is down", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(Math, "random").mockReturnValue(1);
    const job = await queuedRun(newMerchant("m-d1-down"));
    const result = await consume("igw-sync", [message("m1", job, 2)], {
      DB: downDb,
      SYNC_RETRY_BASE_SECONDS: "5",
    });
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(result.retryOptions).toEqual([{ delaySeconds: 10 }]); // 5 * 2^(2-1), as configured
    // Nothing was written: the run is as it was queued.
    const run = await env.DB.prepare("SELECT status, attempts, last_error FROM sync_runs WHERE id = ?")
      .bind(job.runId)
      .first();
    expect(run).toEqual({ status: "queued", attempts: 0, last_error: null });
  });

  it("retries with the default backoff when the configuration cannot be read, and notes why", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(Math, "random").mockReturnValue(1);
    const job = await queuedRun(newMerchant("m-bad-config"));
    const result = await consume("igw-sync", [message("m1", job, 1)], { SYNC_RETRY_BASE_SECONDS: "soon" });
    expect(result.retryBatch.retry).toBe(false);
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(result.retryOptions).toEqual([{ delaySeconds: 5 }]);
    const run = await api("GET", `/api/runs/${job.runId}`, { token: await admin() });
    expect(run.body.data).toMatchObject({ status: "queued", attempts: 1 });
    expect(run.body.data.lastError).toMatch(/misconfigured: SYNC_RETRY_BASE_SECONDS/);
  });
});

describe("dead-letter queue consumer", () => {
  it("stores the job with its run's last error and marks the run dead", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const job = await queuedRun(newMerchant("m-dlq"));
    await env.DB.prepare(
      "UPDATE sync_runs SET status = 'running', last_error = 'platform answered 503', attempts = 9 WHERE id = ?",
    )
      .bind(job.runId)
      .run();
    const result = await consume("igw-sync-dlq", [message("d1", job, 1)]);
    expect(result.explicitAcks).toEqual(["d1"]);
    const letter = await env.DB.prepare("SELECT * FROM dead_letters WHERE run_id = ?")
      .bind(job.runId)
      .first<Record<string, unknown>>();
    expect(letter).toMatchObject({
      error: "platform answered 503",
      attempts: 9,
      status: "pending",
      queue: "igw-sync-dlq",
    });
    const run = await env.DB.prepare("SELECT status FROM sync_runs WHERE id = ?")
      .bind(job.runId)
      .first<{ status: string }>();
    expect(run?.status).toBe("dead");
  });

  it("retries a letter it cannot store now on its own, without redelivering the batch", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const job = await queuedRun(newMerchant("m-dlq-down"));
    const result = await consume("igw-sync-dlq", [message("d3", job), message("d4", { what: "else" })], {
      DB: downDb,
    });
    expect(result.retryBatch.retry).toBe(false);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(["d3", "d4"]);
    const letters = await env.DB.prepare("SELECT count(*) AS n FROM dead_letters WHERE run_id = ?")
      .bind(job.runId)
      .first<{ n: number }>();
    expect(letters?.n).toBe(0);
  });

  it("keeps even an unreadable message, for an operator to see", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await consume("igw-sync-dlq", [message("d2", { what: "is this" })]);
    const letter = await env.DB.prepare("SELECT * FROM dead_letters WHERE message LIKE '%is this%'").first<
      Record<string, unknown>
    >();
    expect(letter).toMatchObject({
      run_id: null,
      merchant_id: null,
      error: "the message body is not a job the gateway knows",
    });
  });
});
