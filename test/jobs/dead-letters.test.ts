import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { csvIntegration } from "../helpers/integrations.ts";
import { platformRecords, setPlatformFaults, waitForRun } from "../helpers/sims.ts";
import { newClientAddress, newMerchant } from "../helpers/unique.ts";

const CSV = ["sku,name,price,stock", "DL-1,One,1,1", "DL-2,Two,2,2"].join("\n");

interface Letter {
  id: string;
  runId: string | null;
  integrationId: string | null;
  merchantId: string | null;
  queue: string;
  message: unknown;
  error: string | null;
  attempts: number;
  status: "pending" | "replayed";
  createdAt: string;
  replayedAt: string | null;
}

// A circuit threshold above the queue's retries: failures exhaust the retries before the
// circuit would open and make the job wait (see test/guard for that path).
const deadLetterFeed = (merchantId: string, name = "dead letters") =>
  csvIntegration(merchantId, { csv: CSV, name, settings: { circuitFailureThreshold: 20 } });

/**
 * A dead letter made the real way: a one-page inventory run against a platform that fails every
 * request, retried until the queue gives up. The platform works again afterwards.
 */
async function deadLetter(merchantId: string, integrationId?: string) {
  const id = integrationId ?? (await deadLetterFeed(merchantId));
  await setPlatformFaults(merchantId, { failNext: 1000 });
  const started = await api("POST", `/api/integrations/${id}/sync`, {
    token: await admin(),
    body: { type: "inventory" },
  });
  expect(started.status).toBe(202);
  const runId = started.body.data.runId as string;
  const run = await waitForRun(runId, { until: ["dead", "failed", "succeeded", "partial"] });
  expect(run.status).toBe("dead");
  await setPlatformFaults(merchantId, {});
  const list = await api("GET", `/api/dead-letters?integrationId=${id}`, { token: await admin() });
  const letter = (list.body.data as Letter[]).find((l) => l.runId === runId);
  if (!letter) throw new Error(`no dead letter for run ${runId}`);
  return { integrationId: id, runId, letter };
}

async function storedLetter(id: string) {
  return env.DB.prepare("SELECT status, replayed_at FROM dead_letters WHERE id = ?")
    .bind(id)
    .first<{ status: string; replayed_at: number | null }>();
}

async function runStatus(runId: string) {
  const row = await env.DB.prepare("SELECT status FROM sync_runs WHERE id = ?").bind(runId).first<{ status: string }>();
  return row?.status;
}

/** The audit entries written by one request (found by its X-Request-Id). */
async function auditOfRequest(requestId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM audit_log WHERE request_id = ? ORDER BY id")
    .bind(requestId)
    .all<{ action: string; outcome: string; target_type: string | null; target_id: string | null; details: string }>();
  return results;
}

/** Calls the API with a fresh X-Request-Id and returns the answer and that id. */
async function call(method: string, path: string, token: string) {
  const requestId = `test-${crypto.randomUUID()}`;
  const res = await api(method, path, {
    token,
    headers: { "X-Request-Id": requestId, "CF-Connecting-IP": newClientAddress() },
  });
  return { res, requestId };
}

const ids = (res: { body: { data: Letter[] } }) => res.body.data.map((l) => l.id);

describe("/api/dead-letters", () => {
  it("lists a merchant only its own letters, each with its job, error and attempts", async () => {
    const a = newMerchant("m-dl-a");
    const first = await deadLetter(a);
    const second = await deadLetter(a, await deadLetterFeed(a, "second"));

    const own = await api("GET", "/api/dead-letters", { token: await merchant(a) });
    expect(own.status).toBe(200);
    expect(ids(own)).toEqual([second.letter.id, first.letter.id]); // newest first
    expect(own.body.pagination).toEqual({ page: 1, limit: 50, total: 2, totalPages: 1 });
    expect(own.body.data[1]).toEqual({
      id: expect.stringMatching(/^dlq_[0-9A-Z]{26}$/),
      runId: first.runId,
      integrationId: first.integrationId,
      merchantId: a,
      queue: "igw-sync-dlq",
      message: {
        kind: "sync.page",
        runId: first.runId,
        integrationId: first.integrationId,
        stream: 0,
        page: 0,
        cursor: null,
      },
      error: expect.stringMatching(/500/),
      attempts: 9,
      status: "pending",
      createdAt: expect.any(String),
      replayedAt: null,
    });
    expect(ids(await api("GET", "/api/dead-letters", { token: await viewer(a) }))).toEqual(ids(own));

    // Another merchant sees none of them, not even when it names A's integration.
    const b = await merchant(newMerchant("m-dl-b"));
    const theirs = await api("GET", "/api/dead-letters", { token: b });
    expect(theirs.body).toMatchObject({ data: [], pagination: { total: 0 } });
    const named = await api("GET", `/api/dead-letters?integrationId=${first.integrationId}`, { token: b });
    expect(named.body.data).toEqual([]);
    const bViewer = await api("GET", "/api/dead-letters", { token: await viewer(newMerchant("m-dl-bv")) });
    expect(bViewer.body.data).toEqual([]);

    // The platform sees every merchant's.
    const all = await api("GET", "/api/dead-letters?limit=100", { token: await admin() });
    expect(ids(all)).toEqual(expect.arrayContaining([first.letter.id, second.letter.id]));
  });

  it("filters by integrationId and status", async () => {
    const a = newMerchant("m-dl-filter");
    const token = await merchant(a);
    const first = await deadLetter(a);
    const second = await deadLetter(a, await deadLetterFeed(a, "second"));

    const byIntegration = await api("GET", `/api/dead-letters?integrationId=${second.integrationId}`, { token });
    expect(ids(byIntegration)).toEqual([second.letter.id]);
    expect(byIntegration.body.pagination.total).toBe(1);

    const replayed = await api("POST", `/api/dead-letters/${first.letter.id}/replay`, { token });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
    expect(replayed.body.data).toMatchObject({ id: first.letter.id, status: "replayed" });
    expect(replayed.body.data.replayedAt).not.toBeNull();
    expect((await waitForRun(first.runId)).status).toBe("succeeded");

    expect(ids(await api("GET", "/api/dead-letters?status=pending", { token }))).toEqual([second.letter.id]);
    const done = await api("GET", "/api/dead-letters?status=replayed", { token });
    expect(ids(done)).toEqual([first.letter.id]);
    expect(done.body.data[0].replayedAt).toBe(replayed.body.data.replayedAt);
    const none = await api("GET", `/api/dead-letters?status=replayed&integrationId=${second.integrationId}`, {
      token,
    });
    expect(none.body).toMatchObject({ data: [], pagination: { total: 0 } });

    const bad = await api("GET", "/api/dead-letters?status=dead", { token });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(["query.status"]);
  });

  it("answers another merchant 404 on replay and delete, audits it as cross-tenant, and changes nothing", async () => {
    const a = newMerchant("m-dl-owner");
    const { letter, runId } = await deadLetter(a);
    const b = await merchant(newMerchant("m-dl-intruder"));

    const replay = await call("POST", `/api/dead-letters/${letter.id}/replay`, b);
    expect(replay.res.status).toBe(404);
    expect(replay.res.body).toMatchObject({ code: "NOT_FOUND", error: `Dead letter ${letter.id} not found` });
    const remove = await call("DELETE", `/api/dead-letters/${letter.id}`, b);
    expect(remove.res.status).toBe(404);
    for (const { requestId } of [replay, remove]) {
      expect((await auditOfRequest(requestId)).map((e) => [e.action, e.outcome, e.target_id])).toEqual([
        ["auth.cross_tenant_denied", "denied", letter.id],
      ]);
    }
    // An unknown id reads the same.
    const unknown = await call("POST", "/api/dead-letters/dlq_01JD3W8Z5Q6Y7X8V9T0S1R2P3N/replay", b);
    expect(unknown.res.status).toBe(404);

    expect(await storedLetter(letter.id)).toEqual({ status: "pending", replayed_at: null });
    expect(await runStatus(runId)).toBe("dead");
  });

  it("does not let a viewer replay or delete (403)", async () => {
    const a = newMerchant("m-dl-viewer");
    const { letter, runId } = await deadLetter(a);
    for (const token of [await viewer(a), await viewer()]) {
      const replay = await call("POST", `/api/dead-letters/${letter.id}/replay`, token);
      expect(replay.res.status).toBe(403);
      expect(replay.res.body.code).toBe("FORBIDDEN");
      const remove = await call("DELETE", `/api/dead-letters/${letter.id}`, token);
      expect(remove.res.status).toBe(403);
      expect((await auditOfRequest(remove.requestId)).map((e) => e.action)).toEqual(["auth.forbidden"]);
    }
    expect(await storedLetter(letter.id)).toEqual({ status: "pending", replayed_at: null });
    expect(await runStatus(runId)).toBe("dead");
  });

  it("refuses a replay with 409 while another run of the same type is active, and the letter stays pending", async () => {
    const a = newMerchant("m-dl-busy");
    const { letter, runId, integrationId } = await deadLetter(a);
    const token = await merchant(a);
    const active = await api("POST", `/api/integrations/${integrationId}/sync`, {
      token,
      body: { type: "inventory", delay: 60_000 },
    });
    expect(active.status).toBe(202);
    expect(active.body.data.coalesced).toBe(false); // the dead run does not block new ones

    const replay = await api("POST", `/api/dead-letters/${letter.id}/replay`, { token });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe("CONFLICT");
    expect(replay.body.error).toMatch(/inventory run .* active/);
    expect(await storedLetter(letter.id)).toEqual({ status: "pending", replayed_at: null });
    expect(await runStatus(runId)).toBe("dead");
    expect(await runStatus(active.body.data.runId)).toBe("queued");
    const audited = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'dead_letter.replayed' AND target_id = ?",
    )
      .bind(letter.id)
      .first<{ n: number }>();
    expect(audited?.n).toBe(0);
    expect((await platformRecords(a, "inventory")).count).toBe(0);
  });

  it("keeps the letter pending and the run dead when the replayed job cannot be queued (503)", async () => {
    const a = newMerchant("m-dl-queue-down");
    const { letter, runId } = await deadLetter(a);
    const res = await api("POST", `/api/dead-letters/${letter.id}/replay`, {
      token: await merchant(a),
      env: {
        SYNC_QUEUE: {
          send: async () => {
            throw new Error("queue unavailable");
          },
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body.code).toBe("SERVICE_UNAVAILABLE");
    // Nothing was re-queued, so nothing may say it was: the letter can be replayed once the queue is back.
    expect(await storedLetter(letter.id)).toEqual({ status: "pending", replayed_at: null });
    expect(await runStatus(runId)).toBe("dead");
  });

  it("deletes a letter (200, audited): it leaves the list, and replaying or deleting it again is a 404", async () => {
    const a = newMerchant("m-dl-delete");
    const { letter, runId } = await deadLetter(a);
    const token = await merchant(a);

    const removed = await call("DELETE", `/api/dead-letters/${letter.id}`, token);
    expect(removed.res.status).toBe(200);
    expect(removed.res.body.data).toMatchObject({ id: letter.id, runId, status: "pending" });
    expect(
      (await auditOfRequest(removed.requestId)).map((e) => [e.action, e.outcome, e.target_type, e.target_id]),
    ).toEqual([["dead_letter.deleted", "success", "dead_letter", letter.id]]);

    expect((await api("GET", "/api/dead-letters", { token })).body.data).toEqual([]);
    expect(await storedLetter(letter.id)).toBeNull();
    const replay = await api("POST", `/api/dead-letters/${letter.id}/replay`, { token });
    expect(replay.status).toBe(404);
    expect((await api("DELETE", `/api/dead-letters/${letter.id}`, { token })).status).toBe(404);
    expect(await runStatus(runId)).toBe("dead");
  });

  it("refuses a malformed id with 400 naming it", async () => {
    const token = await admin();
    for (const [method, path] of [
      ["POST", "/api/dead-letters/nope/replay"],
      ["DELETE", "/api/dead-letters/nope"],
      ["DELETE", "/api/dead-letters/run_01JD3W8Z5Q6Y7X8V9T0S1R2P3N"],
    ] as const) {
      const res = await api(method, path, { token });
      expect(res.status, path).toBe(400);
      expect(res.body.code).toBe("VALIDATION_ERROR");
      expect(res.body.details).toEqual([{ field: "path.id", message: expect.stringMatching(/dead-letter id/) }]);
    }
  });
});
