import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client.ts";
import { newId } from "../../src/db/ids.ts";
import { guardOf } from "../../src/guard/client.ts";
import { guardConfig } from "../../src/guard/config.ts";
import { findIntegration } from "../../src/integrations/store.ts";
import { api } from "../helpers/api.ts";
import { admin, merchant, viewer } from "../helpers/auth.ts";
import { putFile, SIMS } from "../helpers/sims.ts";
import { newMerchant } from "../helpers/unique.ts";

const CSV = ["sku;name;price;stock", "R-1;Kalem;1,50;10", "R-2;Defter;12,00;4"].join("\n");

/** A CSV integration of a fresh merchant reading `url` (a file of its own on the file host by default). */
async function setUp(label: string, settings: Record<string, unknown> = {}, url?: string) {
  const merchantId = newMerchant(label);
  const fileUrl = url ?? (await putFile(`${merchantId}.csv`, CSV));
  const res = await api("POST", "/api/integrations", {
    token: await admin(),
    body: {
      merchantId,
      name: `Guard ${label}`,
      type: "webhook",
      connector: "csv",
      credentials: { url: fileUrl },
      settings: { delimiter: ";", decimalSeparator: ",", ...settings },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id as string, merchantId };
}

/** Opens the integration's circuit the way failing pages do: `threshold` failures in a row. */
async function openCircuit(id: string): Promise<void> {
  const row = await findIntegration(getDb(env), id);
  if (!row) throw new Error(`no integration ${id}`);
  const config = guardConfig(row);
  const guard = guardOf(env, id);
  for (let i = 0; i < config.circuit.failureThreshold; i++) {
    await guard.admit("full", `failing-${i}`, 60_000);
    await guard.finish(config, "full", `failing-${i}`, { kind: "failure", reason: "the ERP answered 503" });
  }
  expect((await guard.status(config)).circuit.state).toBe("open");
}

async function auditOf(id: string, action: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM audit_log WHERE target_id = ? AND action = ? ORDER BY at, rowid",
  )
    .bind(id, action)
    .all<{ actor: string; role: string | null; outcome: string; details: string | null }>();
  return results;
}

async function eventTypes(id: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT type FROM integration_events WHERE integration_id = ? AND type LIKE 'integration.circuit_%' ORDER BY created_at, rowid",
  )
    .bind(id)
    .all<{ type: string }>();
  return results.map((r) => r.type);
}

describe("GET /api/integrations/{id}/circuit", () => {
  it("shows a closed circuit and both rate-limit budgets of the integration's settings", async () => {
    const { id } = await setUp("circuit-get", {
      circuitFailureThreshold: 5,
      rateLimitRequests: 7,
      rateLimitPer: "minute",
      interactiveRateLimitRequests: 4,
      interactiveRateLimitPer: "second",
    });
    const res = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ success: true });
    expect(res.body.data).toEqual({
      circuit: {
        state: "closed",
        failures: 0,
        threshold: 5,
        opens: 0,
        openedAt: null,
        nextProbeAt: null,
        probeInFlight: false,
        lastFailure: null,
      },
      rateLimit: { requests: 7, per: "minute", tokens: 7, pausedUntil: null },
      interactiveRateLimit: { requests: 4, per: "second", tokens: 4, pausedUntil: null },
      leases: [],
      seenWebhookIds: 0,
      heldWebhookEvents: 0,
    });
  });

  it("shows the defaults for an integration saved without guard settings", async () => {
    const { id } = await setUp("circuit-defaults");
    const res = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(res.body.data.circuit.threshold).toBe(3);
    expect(res.body.data.rateLimit).toMatchObject({ requests: 10, per: "second" });
    expect(res.body.data.interactiveRateLimit).toMatchObject({ requests: 20, per: "minute", tokens: 20 });
  });

  it("shows an open circuit with its times and last failure", async () => {
    const { id } = await setUp("circuit-open");
    await openCircuit(id);
    const res = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(res.status).toBe(200);
    expect(res.body.data.circuit).toMatchObject({
      state: "open",
      failures: 3,
      opens: 1,
      openedAt: expect.any(String),
      nextProbeAt: expect.any(String),
      lastFailure: "the ERP answered 503",
    });
    const { openedAt, nextProbeAt } = res.body.data.circuit;
    expect(Date.parse(nextProbeAt) - Date.parse(openedAt)).toBe(30_000);
  });

  it("lets the owning merchant and viewers read it", async () => {
    const { id, merchantId } = await setUp("circuit-read");
    for (const token of [await merchant(merchantId), await viewer(merchantId), await viewer()]) {
      const res = await api("GET", `/api/integrations/${id}/circuit`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.circuit.state).toBe("closed");
    }
  });

  it("answers 404 to another merchant, as for an id that does not exist", async () => {
    const { id } = await setUp("circuit-scope");
    for (const token of [await merchant(newMerchant("intruder")), await viewer(newMerchant("intruder"))]) {
      const res = await api("GET", `/api/integrations/${id}/circuit`, { token });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "NOT_FOUND" });
    }
    const missing = await api("GET", `/api/integrations/${newId("int")}/circuit`, { token: await admin() });
    expect(missing.status).toBe(404);
  });

  it("answers 401 without a token", async () => {
    const { id } = await setUp("circuit-anon");
    expect((await api("GET", `/api/integrations/${id}/circuit`)).status).toBe(401);
  });
});

describe("POST /api/integrations/{id}/circuit/reset", () => {
  it("is refused to viewers with 403 and changes nothing", async () => {
    const { id, merchantId } = await setUp("reset-viewer");
    await openCircuit(id);
    const res = await api("POST", `/api/integrations/${id}/circuit/reset`, { token: await viewer(merchantId) });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
    const after = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(after.body.data.circuit.state).toBe("open");
    expect(await auditOf(id, "integration.circuit_reset")).toEqual([]);
  });

  it("answers 404 to a merchant of another tenant and changes nothing", async () => {
    const { id } = await setUp("reset-intruder");
    await openCircuit(id);
    const res = await api("POST", `/api/integrations/${id}/circuit/reset`, {
      token: await merchant(newMerchant("intruder")),
    });
    expect(res.status).toBe(404);
    const after = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(after.body.data.circuit.state).toBe("open");
  });

  it("closes an open circuit for an admin, audited, with a circuit_closed event", async () => {
    const { id, merchantId } = await setUp("reset-admin");
    await openCircuit(id);
    const res = await api("POST", `/api/integrations/${id}/circuit/reset`, { token: await admin() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.circuit).toMatchObject({ state: "closed", failures: 0, opens: 0, nextProbeAt: null });

    const audit = await auditOf(id, "integration.circuit_reset");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "admin-platform", role: "admin", outcome: "success" });
    expect(JSON.parse(audit[0]?.details ?? "{}")).toEqual({ wasOpen: true });
    expect(await eventTypes(id)).toEqual(["integration.circuit_opened", "integration.circuit_closed"]);
    // The close is attributed to the operator, not to the system.
    expect((await auditOf(id, "integration.circuit_closed")).map((a) => a.actor)).toEqual(["admin-platform"]);

    const row = await env.DB.prepare("SELECT merchant_id FROM integration_events WHERE integration_id = ? AND type = ?")
      .bind(id, "integration.circuit_closed")
      .first<{ merchant_id: string }>();
    expect(row?.merchant_id).toBe(merchantId);
  });

  it("lets the owning merchant reset; a closed circuit gives no circuit_closed event", async () => {
    const { id, merchantId } = await setUp("reset-merchant");
    const res = await api("POST", `/api/integrations/${id}/circuit/reset`, { token: await merchant(merchantId) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.circuit.state).toBe("closed");
    const audit = await auditOf(id, "integration.circuit_reset");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: `merchant-${merchantId}`, role: "merchant" });
    expect(JSON.parse(audit[0]?.details ?? "{}")).toEqual({ wasOpen: false });
    expect(await eventTypes(id)).toEqual([]);
  });

  it("lifts a Retry-After pause of both budgets", async () => {
    const { id } = await setUp("reset-pause");
    const row = await findIntegration(getDb(env), id);
    if (!row) throw new Error("no integration");
    await guardOf(env, id).pauseCalls(guardConfig(row), Date.now() + 60_000);
    const before = await api("GET", `/api/integrations/${id}/circuit`, { token: await admin() });
    expect(before.body.data.rateLimit.pausedUntil).toEqual(expect.any(String));
    expect(before.body.data.interactiveRateLimit.pausedUntil).toEqual(before.body.data.rateLimit.pausedUntil);
    const res = await api("POST", `/api/integrations/${id}/circuit/reset`, { token: await admin() });
    expect(res.body.data.rateLimit.pausedUntil).toBeNull();
    expect(res.body.data.interactiveRateLimit.pausedUntil).toBeNull();
  });
});

describe("POST /api/integrations/{id}/test-connection", () => {
  it("reports what works for a readable file, with the guard's state", async () => {
    const { id } = await setUp("test-ok");
    const res = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { report, guard } = res.body.data;
    expect(report.ok).toBe(true);
    expect(report.checks).toEqual([
      { capability: "auth", status: "ok" },
      { capability: "readItems", status: "ok", message: expect.stringContaining("2 row(s) read") },
      { capability: "readStock", status: "ok", message: expect.any(String) },
      { capability: "readPrices", status: "ok", message: expect.any(String) },
      { capability: "writeOrders", status: "unsupported" },
    ]);
    expect(report.checks[1].message).toContain("sku, name, price, stock");
    expect(guard.circuit).toMatchObject({ state: "closed", threshold: 3 });
    // The test call went through the interactive budget; the syncs' bucket was not touched.
    expect(guard.interactiveRateLimit).toMatchObject({ requests: 20, per: "minute" });
    expect(guard.interactiveRateLimit.tokens).toBeLessThan(20);
    expect(guard.rateLimit).toMatchObject({ requests: 10, per: "second", tokens: 10 });
  });

  it("lets the owning merchant test", async () => {
    const { id, merchantId } = await setUp("test-merchant");
    const res = await api("POST", `/api/integrations/${id}/test-connection`, { token: await merchant(merchantId) });
    expect(res.status).toBe(200);
    expect(res.body.data.report.ok).toBe(true);
  });

  it("reports the failed checks with the file host's words for a URL that answers 404", async () => {
    const { id } = await setUp("test-404", {}, `${SIMS}/files/${newMerchant("missing")}.csv`);
    const res = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { report } = res.body.data;
    expect(report.ok).toBe(false);
    const byCapability = Object.fromEntries(
      (report.checks as { capability: string; status: string; message?: string }[]).map((c) => [c.capability, c]),
    );
    expect(byCapability.auth?.status).toBe("ok");
    for (const capability of ["readItems", "readStock", "readPrices"]) {
      expect(byCapability[capability]).toEqual({
        capability,
        status: "failed",
        message: "the file host has no file at the configured URL (HTTP 404)",
      });
    }
    expect(byCapability.writeOrders?.status).toBe("unsupported");
  });

  it("reports refused credentials as a failed auth check", async () => {
    const merchantId = newMerchant("test-401");
    const url = await putFile(`${merchantId}.csv`, CSV, { "x-require-authorization": "Bearer right-token" });
    const { id } = await setUp("test-401", {}, url);
    const res = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    const auth = res.body.data.report.checks.find((c: { capability: string }) => c.capability === "auth");
    expect(res.body.data.report.ok).toBe(false);
    expect(auth).toMatchObject({ status: "failed", message: expect.stringContaining("401") });
  });

  it("shows an open circuit in the guard's state", async () => {
    const { id } = await setUp("test-open");
    await openCircuit(id);
    const res = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.guard.circuit).toMatchObject({ state: "open", opens: 1, nextProbeAt: expect.any(String) });
  });

  it("is refused to viewers with 403", async () => {
    const { id, merchantId } = await setUp("test-viewer");
    const res = await api("POST", `/api/integrations/${id}/test-connection`, { token: await viewer(merchantId) });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN" });
  });

  it("answers 404 to a merchant of another tenant", async () => {
    const { id } = await setUp("test-intruder");
    const res = await api("POST", `/api/integrations/${id}/test-connection`, {
      token: await merchant(newMerchant("intruder")),
    });
    expect(res.status).toBe(404);
  });

  it("answers 429 RATE_LIMITED with Retry-After once the interactive budget is used up, leaving the syncs' untouched", async () => {
    const { id } = await setUp("test-429");
    const patched = await api("PATCH", `/api/integrations/${id}`, {
      token: await admin(),
      body: { settings: { interactiveRateLimitRequests: 1, interactiveRateLimitPer: "minute", rateLimitRequests: 3 } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const first = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data.report.ok).toBe(true);
    expect(first.body.data.guard.interactiveRateLimit).toMatchObject({ requests: 1, per: "minute", tokens: 0 });
    expect(first.body.data.guard.rateLimit).toMatchObject({ requests: 3, tokens: 3 });

    const second = await api("POST", `/api/integrations/${id}/test-connection`, { token: await admin() });
    expect(second.status, JSON.stringify(second.body)).toBe(429);
    expect(second.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
    const retryAfter = Number(second.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
