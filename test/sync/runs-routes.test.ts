import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { csvConnector } from "../../src/connectors/csv/definition.ts";
import { registerConnector } from "../../src/connectors/index.ts";
import { api } from "../helpers/api.ts";
import { auditOfRequest } from "../helpers/audit.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { csvIntegration, syncToEnd, trigger } from "../helpers/integrations.ts";
import { platformRecords, platformRequests, waitForRun } from "../helpers/sims.ts";
import { newClientAddress, newMerchant, pause } from "../helpers/unique.ts";

const CSV = ["sku,name,price,stock", "R-1,One,1.50,1", "R-2,Two,2.50,2", "R-3,Three,3.50,3"].join("\n");

/** The stored runs of an integration, oldest first. */
async function storedRuns(integrationId: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, type, status, priority, trigger FROM sync_runs WHERE integration_id = ? ORDER BY created_at, id",
  )
    .bind(integrationId)
    .all<{ id: string; type: string; status: string; priority: number; trigger: string }>();
  return results;
}

async function auditCountFor(action: string, targetId: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = ? AND target_id = ?")
    .bind(action, targetId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const MINUTE = 60_000;

describe("POST /api/integrations/{id}/sync", () => {
  it("answers 202 with the queued run, and the run then syncs the file", async () => {
    const merchantId = newMerchant("m-trigger");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const res = await trigger(id, { type: "products" }, await merchant(merchantId));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.success).toBe(true);
    const { runId, coalesced, run } = res.body.data;
    expect(runId).toMatch(/^run_[0-9A-Z]{26}$/);
    expect(coalesced).toBe(false);
    expect(run).toMatchObject({
      id: runId,
      integrationId: id,
      merchantId,
      type: "products",
      trigger: "manual",
      status: "queued",
      priority: 0,
      force: false,
      source: null,
      entities: ["products"],
      progress: { pagesDone: 0, itemsRead: 0, itemsPushed: 0 },
      startedAt: null,
      finishedAt: null,
      durationMs: null,
    });
    const done = await waitForRun(runId);
    expect(done.status).toBe("succeeded");
    expect((await platformRecords(merchantId, "products")).items.map((p) => p.sku)).toEqual(["R-1", "R-2", "R-3"]);
  });

  it("returns the queued run with coalesced: true for a second trigger of the same type, and starts a new run for another type", async () => {
    const merchantId = newMerchant("m-coalesce");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const token = await merchant(merchantId);
    const first = await trigger(id, { type: "inventory", delay: MINUTE }, token);
    expect(first.status).toBe(202);
    expect(first.body.data.coalesced).toBe(false);

    const second = await trigger(id, { type: "inventory" }, token);
    expect(second.status, JSON.stringify(second.body)).toBe(202);
    expect(second.body.data).toMatchObject({ runId: first.body.data.runId, coalesced: true });
    expect(second.body.data.run).toMatchObject({ id: first.body.data.runId, status: "queued", type: "inventory" });

    const other = await trigger(id, { type: "prices", delay: MINUTE }, token);
    expect(other.status).toBe(202);
    expect(other.body.data.coalesced).toBe(false);
    expect(other.body.data.runId).not.toBe(first.body.data.runId);

    expect((await storedRuns(id)).map((r) => [r.type, r.status])).toEqual([
      ["inventory", "queued"],
      ["prices", "queued"],
    ]);
  });

  it("audits sync.triggered once per started run, never for a coalesced trigger", async () => {
    const merchantId = newMerchant("m-audit");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const token = await merchant(merchantId);
    const first = await trigger(id, { type: "products", delay: MINUTE, priority: 2, force: true }, token);
    await trigger(id, { type: "products" }, token);
    await trigger(id, { type: "products", force: true }, token);
    expect(await auditCountFor("sync.triggered", id)).toBe(1);
    const entry = await env.DB.prepare("SELECT * FROM audit_log WHERE action = 'sync.triggered' AND target_id = ?")
      .bind(id)
      .first<{ merchant_id: string; outcome: string; target_type: string; role: string; details: string }>();
    expect(entry).toMatchObject({ merchant_id: merchantId, outcome: "success", target_type: "integration" });
    expect(JSON.parse(entry?.details ?? "{}")).toEqual({
      runId: first.body.data.runId,
      type: "products",
      priority: 2,
      force: true,
    });
  });

  it("refuses with 400, storing nothing, a type that is not a sync type", async () => {
    const merchantId = newMerchant("m-badtype");
    const id = await csvIntegration(merchantId, { csv: CSV });
    for (const type of ["orders", "everything"]) {
      const res = await trigger(id, { type });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("VALIDATION_ERROR");
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(["type"]);
    }
    expect(await storedRuns(id)).toEqual([]);
    expect(await auditCountFor("sync.triggered", id)).toBe(0);
  });

  it("refuses with 400 naming `type` a type the integration's connector cannot sync", async () => {
    // A connector that only knows prices; integrations with it cannot be created through the API
    // (the create schema is built at load time), so the row is switched to it in D1.
    registerConnector("prices-only-test", { ...csvConnector, name: "Prices Only", supportedOperations: ["prices"] });
    const merchantId = newMerchant("m-cannot");
    const id = await csvIntegration(merchantId, { csv: CSV });
    await env.DB.prepare("UPDATE integrations SET connector = 'prices-only-test' WHERE id = ?").bind(id).run();

    const res = await trigger(id, { type: "products" });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe("VALIDATION_ERROR");
    expect(res.body.details).toEqual([{ field: "type", message: "the Prices Only connector cannot sync products" }]);
    expect(await storedRuns(id)).toEqual([]);

    // What it can sync, it syncs.
    const prices = await trigger(id, { type: "prices" });
    expect(prices.status).toBe(202);
    expect(prices.body.data.run.entities).toEqual(["prices"]);
    expect((await waitForRun(prices.body.data.runId)).status).toBe("succeeded");
  });

  it("refuses unknown fields and out-of-range priority or delay", async () => {
    const merchantId = newMerchant("m-badbody");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const cases: [Record<string, unknown>, string][] = [
      [{ priority: 11 }, "priority"],
      [{ priority: -1 }, "priority"],
      [{ delay: 43_200_001 }, "delay"],
      [{ urgent: true }, "urgent"],
    ];
    for (const [body, field] of cases) {
      const res = await trigger(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
    expect(await storedRuns(id)).toEqual([]);
  });

  it("forbids a viewer (403, audited) and starts nothing", async () => {
    const merchantId = newMerchant("m-viewer");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const requestId = `test-${crypto.randomUUID()}`;
    const res = await api("POST", `/api/integrations/${id}/sync`, {
      token: await viewer(merchantId),
      body: {},
      headers: { "X-Request-Id": requestId, "CF-Connecting-IP": newClientAddress() },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
    expect((await auditOfRequest(requestId)).map((e) => e.action)).toEqual(["auth.forbidden"]);
    expect(await storedRuns(id)).toEqual([]);
  });

  it("answers another merchant 404, as for a missing integration, audits it as cross-tenant, and starts nothing", async () => {
    const owner = newMerchant("m-owner");
    const id = await csvIntegration(owner, { csv: CSV });
    const requestId = `test-${crypto.randomUUID()}`;
    const res = await api("POST", `/api/integrations/${id}/sync`, {
      token: await merchant(newMerchant("m-intruder")),
      body: {},
      headers: { "X-Request-Id": requestId, "CF-Connecting-IP": newClientAddress() },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
    const missing = await trigger("int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N", {}, await merchant(owner));
    expect(missing.status).toBe(404);
    expect(res.body.error).toBe(`Integration ${id} not found`);

    const audit = await auditOfRequest(requestId);
    expect(audit.map((e) => [e.action, e.outcome, e.target_type, e.target_id])).toEqual([
      ["auth.cross_tenant_denied", "denied", "integration", id],
    ]);
    expect(await storedRuns(id)).toEqual([]);
    expect(await auditCountFor("sync.triggered", id)).toBe(0);
  });

  it("stores priority 5 on the run, sends it to the priority queue, and the run completes", async () => {
    const merchantId = newMerchant("m-priority");
    const id = await csvIntegration(merchantId, { csv: CSV });
    // In-process, with both producers wrapped: what was sent where, then passed on to the real queues.
    const sent: { queue: string; body: any }[] = [];
    const wrap = (queue: string, producer: Queue) => ({
      send: (body: unknown, options?: QueueSendOptions) => {
        sent.push({ queue, body });
        return producer.send(body, options);
      },
      sendBatch: producer.sendBatch.bind(producer),
    });
    const res = await api("POST", `/api/integrations/${id}/sync`, {
      token: await admin(),
      body: { type: "inventory", priority: 5 },
      env: {
        SYNC_QUEUE: wrap("normal", env.SYNC_QUEUE),
        SYNC_QUEUE_PRIORITY: wrap("priority", env.SYNC_QUEUE_PRIORITY),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.run.priority).toBe(5);
    expect(sent).toEqual([
      {
        queue: "priority",
        body: { kind: "sync.page", runId: res.body.data.runId, integrationId: id, stream: 0, page: 0, cursor: null },
      },
    ]);
    const done = await waitForRun(res.body.data.runId);
    expect(done.status).toBe("succeeded");
    const read = await api("GET", `/api/runs/${done.id}`, { token: await admin() });
    expect(read.body.data.priority).toBe(5);
    expect((await platformRecords(merchantId, "inventory")).count).toBe(3);
  });

  it("keeps a delayed run queued: nothing is read or pushed before the delay", async () => {
    const merchantId = newMerchant("m-delay");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const res = await trigger(id, { type: "full", delay: MINUTE });
    expect(res.status).toBe(202);
    expect(res.body.data.run.status).toBe("queued");
    // A run started after it without a delay has ended: the queue has had its turn meanwhile.
    expect((await syncToEnd(await csvIntegration(newMerchant("m-delay-marker"), { csv: CSV }))).status).toBe(
      "succeeded",
    );
    const read = await api("GET", `/api/runs/${res.body.data.runId}`, { token: await admin() });
    expect(read.body.data).toMatchObject({
      status: "queued",
      startedAt: null,
      progress: { pagesDone: 0, itemsRead: 0, itemsPushed: 0 },
    });
    expect((await platformRequests(merchantId)).count).toBe(0);
  });
});

describe("GET /api/integrations/{id}/runs", () => {
  /** Two finished runs (products, then inventory) and two queued ones (prices, then full), created in that order. */
  async function fourRuns(merchantId: string) {
    const id = await csvIntegration(merchantId, { csv: CSV });
    const ids: string[] = [];
    for (const type of ["products", "inventory"]) {
      const res = await trigger(id, { type });
      ids.push((await waitForRun(res.body.data.runId)).id);
      await pause();
    }
    for (const type of ["prices", "full"]) {
      const res = await trigger(id, { type, delay: MINUTE });
      ids.push(res.body.data.runId);
      await pause();
    }
    return { id, ids };
  }

  it("lists newest first, page by page, with status and type filters", async () => {
    const merchantId = newMerchant("m-list");
    const { id, ids } = await fourRuns(merchantId);
    const token = await merchant(merchantId);
    const newestFirst = [...ids].reverse();

    const all = await api("GET", `/api/integrations/${id}/runs`, { token });
    expect(all.status).toBe(200);
    expect(all.body.data.map((r: { id: string }) => r.id)).toEqual(newestFirst);
    expect(all.body.pagination).toEqual({ page: 1, limit: 50, total: 4, totalPages: 1 });
    expect(all.body.data.map((r: { status: string }) => r.status)).toEqual([
      "queued",
      "queued",
      "succeeded",
      "succeeded",
    ]);

    const page1 = await api("GET", `/api/integrations/${id}/runs?limit=3&page=1`, { token });
    const page2 = await api("GET", `/api/integrations/${id}/runs?limit=3&page=2`, { token });
    expect(page1.body.data.map((r: { id: string }) => r.id)).toEqual(newestFirst.slice(0, 3));
    expect(page2.body.data.map((r: { id: string }) => r.id)).toEqual(newestFirst.slice(3));
    expect(page2.body.pagination).toEqual({ page: 2, limit: 3, total: 4, totalPages: 2 });
    const page3 = await api("GET", `/api/integrations/${id}/runs?limit=3&page=3`, { token });
    expect(page3.body.data).toEqual([]);

    const queued = await api("GET", `/api/integrations/${id}/runs?status=queued`, { token });
    expect(queued.body.data.map((r: { type: string }) => r.type)).toEqual(["full", "prices"]);
    expect(queued.body.pagination.total).toBe(2);
    const succeeded = await api("GET", `/api/integrations/${id}/runs?status=succeeded`, { token });
    expect(succeeded.body.data.map((r: { type: string }) => r.type)).toEqual(["inventory", "products"]);
    const inventory = await api("GET", `/api/integrations/${id}/runs?type=inventory`, { token });
    expect(inventory.body.data.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
    const none = await api("GET", `/api/integrations/${id}/runs?type=inventory&status=queued`, { token });
    expect(none.body).toMatchObject({ data: [], pagination: { total: 0 } });
  });

  it("refuses invalid filters and paging with 400", async () => {
    const merchantId = newMerchant("m-list-bad");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const token = await admin();
    for (const [query, field] of [
      ["status=done", "query.status"],
      ["type=orders", "query.type"],
      ["limit=101", "query.limit"],
      ["page=0", "query.page"],
    ]) {
      const res = await api("GET", `/api/integrations/${id}/runs?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
  });

  it("shows a merchant only its own integrations' runs: another merchant gets 404", async () => {
    const owner = newMerchant("m-scope");
    const id = await csvIntegration(owner, { csv: CSV });
    const run = await trigger(id, { type: "products", delay: MINUTE });
    const other = newMerchant("m-scope-other");
    const otherId = await csvIntegration(other, { csv: CSV });

    const own = await api("GET", `/api/integrations/${id}/runs`, { token: await merchant(owner) });
    expect(own.body.data.map((r: { id: string }) => r.id)).toEqual([run.body.data.runId]);
    const ownViewer = await api("GET", `/api/integrations/${id}/runs`, { token: await viewer(owner) });
    expect(ownViewer.status).toBe(200);
    expect(ownViewer.body.data).toHaveLength(1);

    for (const token of [await merchant(other), await viewer(other)]) {
      const foreign = await api("GET", `/api/integrations/${id}/runs`, { token });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe("NOT_FOUND");
    }
    const theirs = await api("GET", `/api/integrations/${otherId}/runs`, { token: await merchant(other) });
    expect(theirs.body.data).toEqual([]);
    const unknown = await api("GET", "/api/integrations/int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N/runs", {
      token: await admin(),
    });
    expect(unknown.status).toBe(404);
  });
});

describe("GET /api/runs/{runId}", () => {
  it("shows progress, timings and durationMs of a finished run", async () => {
    const merchantId = newMerchant("m-get");
    const id = await csvIntegration(merchantId, { csv: CSV });
    const started = await trigger(id, { type: "full" });
    const runId = started.body.data.runId;
    await waitForRun(runId);

    const res = await api("GET", `/api/runs/${runId}`, { token: await merchant(merchantId) });
    expect(res.status).toBe(200);
    const run = res.body.data;
    expect(run).toMatchObject({
      id: runId,
      integrationId: id,
      merchantId,
      type: "full",
      trigger: "manual",
      status: "succeeded",
      priority: 0,
      force: false,
      source: null,
      entities: ["products", "inventory", "prices"],
      progress: {
        pagesDone: 1,
        itemsRead: 3,
        itemsChanged: 9,
        itemsPushed: 9,
        itemsRejected: 0,
        platformRequests: 3,
        itemsDeactivated: 0,
      },
      rejectedSample: [],
      notes: [],
      attempts: 0,
      lastError: null,
      retryAt: null,
    });
    const created = Date.parse(run.createdAt);
    const startedAt = Date.parse(run.startedAt);
    const finishedAt = Date.parse(run.finishedAt);
    expect(created).toBe(Date.parse(started.body.data.run.createdAt));
    expect(startedAt).toBeGreaterThanOrEqual(created);
    expect(finishedAt).toBeGreaterThanOrEqual(startedAt);
    expect(run.durationMs).toBe(finishedAt - startedAt);
    expect(Object.keys(run).sort()).toEqual(
      [
        "id",
        "integrationId",
        "merchantId",
        "type",
        "trigger",
        "status",
        "priority",
        "force",
        "source",
        "entities",
        "progress",
        "rejectedSample",
        "notes",
        "attempts",
        "lastError",
        "retryAt",
        "createdAt",
        "startedAt",
        "finishedAt",
        "durationMs",
      ].sort(),
    );
  });

  it("answers 400 naming runId for a malformed id, and 404 for an unknown one", async () => {
    const token = await admin();
    for (const bad of [
      "nope",
      "int_01JD3W8Z5Q6Y7X8V9T0S1R2P3N",
      "run_01JD3W8Z5Q6Y7X8V9T0S1R2P3",
      "run_01jd3w8z5q6y7x8v9t0s1r2p3n",
    ]) {
      const res = await api("GET", `/api/runs/${bad}`, { token });
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe("VALIDATION_ERROR");
      expect(res.body.details).toEqual([{ field: "path.runId", message: expect.stringMatching(/run id/) }]);
    }
    const unknown = await api("GET", "/api/runs/run_01JD3W8Z5Q6Y7X8V9T0S1R2P3N", { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "NOT_FOUND", error: "Run run_01JD3W8Z5Q6Y7X8V9T0S1R2P3N not found" });
  });

  it("answers another merchant's run 404, exactly like an unknown one, and audits it", async () => {
    const owner = newMerchant("m-run-owner");
    const id = await csvIntegration(owner, { csv: CSV });
    const runId = (await trigger(id, { type: "products", delay: MINUTE })).body.data.runId;
    const requestId = `test-${crypto.randomUUID()}`;
    const foreign = await api("GET", `/api/runs/${runId}`, {
      token: await merchant(newMerchant("m-run-other")),
      headers: { "X-Request-Id": requestId, "CF-Connecting-IP": newClientAddress() },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe(`Run ${runId} not found`);
    expect((await auditOfRequest(requestId)).map((e) => [e.action, e.target_type, e.target_id])).toEqual([
      ["auth.cross_tenant_denied", "run", runId],
    ]);
    const foreignViewer = await api("GET", `/api/runs/${runId}`, { token: await viewer(newMerchant("m-run-v")) });
    expect(foreignViewer.status).toBe(404);
    // The owner, its viewer and a platform-wide viewer see it.
    for (const token of [await merchant(owner), await viewer(owner), await viewer()]) {
      expect((await api("GET", `/api/runs/${runId}`, { token })).status).toBe(200);
    }
  });
});
