import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../src/db/client.ts";
import { findIntegration } from "../../src/integrations/store.ts";
import { consumeJobs } from "../../src/jobs/consumer.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { startRun } from "../../src/sync/runs.ts";
import { api } from "../helpers/api.ts";
import { admin } from "../helpers/auth.ts";
import { putFile } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

afterEach(() => vi.restoreAllMocks());

/** Every line the gateway writes while `run` runs, parsed (each must be one JSON object). */
async function linesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  for (const method of ["log", "warn", "error"] as const)
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      written.push(String(line));
    });
  await run();
  vi.restoreAllMocks();
  return written.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("structured logs", () => {
  it("writes one JSON line per request with its level, request id, status and duration, and never the token", async () => {
    const token = await admin();
    const lines = await linesOf(() =>
      api("GET", "/api/integrations?limit=1", {
        token,
        headers: { "x-request-id": "req-log-test-1" },
        env: { ...env, LOG_LEVEL: "info" },
      }),
    );
    const request = lines.find((l) => l.message === "request" && l.requestId === "req-log-test-1");
    expect(request).toMatchObject({ level: "info", method: "GET", path: "/api/integrations", status: 200 });
    expect(typeof request?.durationMs).toBe("number");
    expect(typeof request?.time).toBe("string");
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it("writes nothing below LOG_LEVEL, and what is at or above it", async () => {
    const lines = await linesOf(() =>
      api("GET", "/api/integrations?limit=1", {
        headers: { authorization: "Bearer not-a-jwt" },
        env: { ...env, LOG_LEVEL: "warn" },
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: "token rejected" }));
    expect(lines.filter((l) => l.level === "info" || l.level === "debug")).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain("not-a-jwt");
  });

  it("writes one line per job with the job, integration id, run id, outcome and duration, and no credential or row", async () => {
    const merchant = newMerchant("logs-job");
    const url = await putFile(`${merchant}.csv`, "sku,name,price,stock\nLOG-SECRET-ROW,One,1,1\n");
    const created = await api("POST", "/api/integrations", {
      token: await admin(),
      body: { merchantId: merchant, name: "logs", type: "webhook", connector: "csv", credentials: { url } },
    });
    expect(created.status).toBe(201);
    const integration = await findIntegration(getDb(env), created.body.data.id);
    if (!integration) throw new Error("integration not created");
    const started = await startRun(env, getDb(env), integration, {
      type: "products",
      trigger: "manual",
      delaySeconds: 3600,
    });
    if (started.kind !== "started") throw new Error(`run not started: ${started.kind}`);
    const body = {
      kind: "sync.page",
      runId: started.run.id,
      integrationId: integration.id,
      stream: 0,
      page: 0,
      cursor: null,
    };
    const batch = createMessageBatch("igw-sync", [{ id: "log-1", timestamp: new Date(), attempts: 1, body }]);
    const lines = await linesOf(() => consumeJobs(batch, env, createLogger("info", { queue: "igw-sync" })));
    const job = lines.find((l) => l.message === "job");
    expect(job).toMatchObject({
      level: "info",
      queue: "igw-sync",
      job: "sync.page",
      integrationId: integration.id,
      runId: started.run.id,
      page: 0,
      attempt: 1,
      outcome: "done",
    });
    expect(typeof job?.durationMs).toBe("number");
    const text = JSON.stringify(lines);
    expect(text).not.toContain("LOG-SECRET-ROW");
    // The file's URL is a credential: at most its host appears.
    expect(text).not.toContain(new URL(url).pathname);
  });
});
