import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Circuit } from "../../src/guard/circuit.ts";
import { type GuardConfig, guardConfig } from "../../src/guard/config.ts";
import { IntegrationGuard } from "../../src/guard/integration-guard.ts";
import { pause } from "../helpers/unique.ts";

/** A guard of its own (fresh integration and merchant ids) and its settings. */
function freshGuard(label: string, settings: Record<string, unknown> = {}) {
  const suffix = crypto.randomUUID().slice(0, 8);
  const config: GuardConfig = guardConfig({
    id: `int_${label}_${suffix}`,
    merchantId: `m-${label}-${suffix}`,
    settings: { circuitFailureThreshold: 3, circuitCooldownSeconds: 30, ...settings },
  });
  const stub = env.INTEGRATION_GUARD.get(env.INTEGRATION_GUARD.idFromName(config.integrationId));
  return { stub, config };
}

type Stub = ReturnType<typeof freshGuard>["stub"];

const failure = (reason = "the ERP answered 503") => ({ kind: "failure", reason }) as const;

/** Opens the circuit: `threshold` failed pages in a row. */
async function open(stub: Stub, config: GuardConfig): Promise<void> {
  for (let i = 0; i < config.circuit.failureThreshold; i++) {
    const holder = `job-${i}`;
    expect(await stub.admit("full", holder, 60_000)).toEqual({ ok: true, probe: false });
    await stub.finish(config, "full", holder, failure());
  }
  expect((await stub.status(config)).circuit.state).toBe("open");
}

/**
 * Lets the cool-down "pass": the stored circuit's next probe time moves into the past, and the
 * object is evicted so that it loads the circuit again from its storage.
 */
async function coolDownOver(stub: Stub): Promise<void> {
  await runInDurableObject(stub, (instance, state) => {
    expect(instance).toBeInstanceOf(IntegrationGuard);
    const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM guard_state WHERE key = 'circuit'").one();
    const circuit = { ...(JSON.parse(row.value) as Circuit), nextProbeAt: Date.now() - 1000 };
    state.storage.sql.exec("UPDATE guard_state SET value = ? WHERE key = 'circuit'", JSON.stringify(circuit));
  });
  await evictDurableObject(stub);
}

async function eventRows(integrationId: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM integration_events WHERE integration_id = ? AND type LIKE 'integration.circuit_%' ORDER BY created_at, rowid",
  )
    .bind(integrationId)
    .all<{ type: string; merchant_id: string; payload: string; dispatched_at: number | null }>();
  return results;
}

async function auditFor(integrationId: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM audit_log WHERE target_type = 'integration' AND target_id = ? ORDER BY at, rowid",
  )
    .bind(integrationId)
    .all<{ action: string; actor: string; outcome: string; merchant_id: string | null; details: string | null }>();
  return results;
}

const storedAlarm = (stub: Stub) => runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());

describe("IntegrationGuard: the circuit breaker", () => {
  it("opens after the threshold of failed pages and records the event and an audit entry in D1", async () => {
    const { stub, config } = freshGuard("open");
    for (const holder of ["a", "b"]) {
      await stub.admit("full", holder, 60_000);
      expect(await stub.finish(config, "full", holder, failure())).toMatchObject({
        transition: null,
        state: "closed",
      });
    }
    expect(await eventRows(config.integrationId)).toEqual([]);

    await stub.admit("full", "c", 60_000);
    const before = Date.now();
    const third = await stub.finish(config, "full", "c", failure("the ERP timed out"));
    expect(third).toEqual({ transition: "opened", state: "open", nextProbeAt: expect.any(Number) });
    expect(third.nextProbeAt).toBeGreaterThanOrEqual(before + config.circuit.cooldownMs - 50);

    const events = await eventRows(config.integrationId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "integration.circuit_opened",
      merchant_id: config.merchantId,
      dispatched_at: null,
    });
    expect(JSON.parse(events[0]?.payload ?? "{}")).toMatchObject({
      integrationId: config.integrationId,
      state: "open",
      opens: 1,
      nextProbeAt: third.nextProbeAt,
      lastFailure: "the ERP timed out",
    });

    const audit = await auditFor(config.integrationId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "integration.circuit_opened",
      actor: "system",
      outcome: "success",
      merchant_id: config.merchantId,
    });

    const status = await stub.status(config);
    expect(status.circuit).toMatchObject({ state: "open", failures: 3, threshold: 3, opens: 1 });
    expect(status.leases).toEqual([]);
  });

  it("refuses admission while open, saying until when, and keeps no lease for the refused job", async () => {
    const { stub, config } = freshGuard("refuse");
    await open(stub, config);
    const { circuit } = await stub.status(config);
    expect(await stub.admit("full", "late", 60_000)).toEqual({
      ok: false,
      reason: "circuit_open",
      retryAt: circuit.nextProbeAt,
    });
    expect(await stub.admit("delta", "other", 60_000)).toMatchObject({ ok: false, reason: "circuit_open" });
    expect((await stub.status(config)).leases).toEqual([]);
  });

  it("schedules its alarm for the probe time when it opens", async () => {
    const { stub, config } = freshGuard("alarm-probe");
    await open(stub, config);
    const { circuit } = await stub.status(config);
    expect(await storedAlarm(stub)).toBe(circuit.nextProbeAt);
  });

  it("goes half-open at the alarm after the cool-down, admits one probe, and closes when it succeeds", async () => {
    const { stub, config } = freshGuard("probe");
    await open(stub, config);
    await coolDownOver(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status(config)).circuit).toMatchObject({ state: "half_open", probe: null });

    const [first, second] = await Promise.all([
      stub.admit("full", "probe-job", 60_000),
      stub.admit("delta", "second-job", 60_000),
    ]);
    expect(first).toEqual({ ok: true, probe: true });
    expect(second).toMatchObject({ ok: false, reason: "probe_in_flight", retryAt: expect.any(Number) });
    expect((await stub.status(config)).circuit.probe).toMatchObject({ holder: "probe-job" });

    expect(await stub.finish(config, "full", "probe-job", { kind: "success" })).toEqual({
      transition: "closed",
      state: "closed",
      nextProbeAt: null,
    });
    expect((await stub.status(config)).circuit).toMatchObject({
      state: "closed",
      failures: 0,
      opens: 0,
      probe: null,
    });
    expect((await eventRows(config.integrationId)).map((e) => e.type)).toEqual([
      "integration.circuit_opened",
      "integration.circuit_closed",
    ]);
    expect((await auditFor(config.integrationId)).map((a) => [a.action, a.actor])).toEqual([
      ["integration.circuit_opened", "system"],
      ["integration.circuit_closed", "system"],
    ]);
    expect(await stub.admit("delta", "second-job", 60_000)).toEqual({ ok: true, probe: false });
  });

  it("re-opens with a doubled cool-down when the probe fails", async () => {
    const { stub, config } = freshGuard("reopen");
    await open(stub, config);
    await coolDownOver(stub);
    expect(await stub.admit("full", "probe-job", 60_000)).toEqual({ ok: true, probe: true });
    const before = Date.now();
    const after = await stub.finish(config, "full", "probe-job", failure("still down"));
    expect(after).toMatchObject({ transition: "opened", state: "open" });
    expect(after.nextProbeAt).toBeGreaterThanOrEqual(before + 2 * config.circuit.cooldownMs - 50);
    expect((await stub.status(config)).circuit.opens).toBe(2);
    expect((await eventRows(config.integrationId)).map((e) => e.type)).toEqual([
      "integration.circuit_opened",
      "integration.circuit_opened",
    ]);
  });

  it("keeps its circuit, leases and seen ids across an eviction of the object", async () => {
    const { stub, config } = freshGuard("restart");
    await open(stub, config);
    await stub.firstSighting(config, "evt-kept");
    const before = await stub.status(config);
    await evictDurableObject(stub);
    expect(await stub.status(config)).toEqual(before);
    expect(await stub.firstSighting(config, "evt-kept")).toBe(false);
  });
});

describe("IntegrationGuard: single-flight leases", () => {
  it("admits exactly one of many concurrent pages of one type", async () => {
    const { stub, config } = freshGuard("single");
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => stub.admit("full", `holder-${i}`, 60_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r).toMatchObject({ reason: "lease_held", retryAt: expect.any(Number) });
    expect((await stub.status(config)).leases).toHaveLength(1);
  });

  it("does not let one type's lease block another type", async () => {
    const { stub, config } = freshGuard("types");
    expect(await stub.admit("full", "a", 60_000)).toEqual({ ok: true, probe: false });
    expect(await stub.admit("delta", "b", 60_000)).toEqual({ ok: true, probe: false });
    expect(await stub.admit("full", "c", 60_000)).toMatchObject({ ok: false, reason: "lease_held" });
    expect((await stub.status(config)).leases.map((l) => [l.type, l.holder]).sort()).toEqual([
      ["delta", "b"],
      ["full", "a"],
    ]);
  });

  it("says when the held lease expires", async () => {
    const { stub } = freshGuard("retry-at");
    const before = Date.now();
    await stub.admit("full", "a", 60_000);
    const refused = await stub.admit("full", "b", 60_000);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAt).toBeGreaterThanOrEqual(before + 60_000);
  });

  it("readmits the holder of the lease itself (a redelivery)", async () => {
    const { stub } = freshGuard("same-holder");
    await stub.admit("full", "a", 60_000);
    expect(await stub.admit("full", "a", 60_000)).toEqual({ ok: true, probe: false });
  });

  it("gives an expired lease to the next holder", async () => {
    const { stub, config } = freshGuard("expiry");
    expect(await stub.admit("full", "dead-job", 1)).toMatchObject({ ok: true });
    await pause(20);
    expect(await stub.admit("full", "next-job", 60_000)).toEqual({ ok: true, probe: false });
    expect((await stub.status(config)).leases).toMatchObject([{ type: "full", holder: "next-job" }]);
  });

  it("frees the lease when the page finishes, whatever its outcome", async () => {
    const { stub, config } = freshGuard("release");
    for (const [i, outcome] of [{ kind: "success" }, failure(), { kind: "neutral" }].entries()) {
      const holder = `job-${i}`;
      expect(await stub.admit("full", holder, 60_000)).toMatchObject({ ok: true });
      expect((await stub.admit("full", "waiting", 60_000)).ok).toBe(false);
      await stub.finish(config, "full", holder, outcome as Parameters<Stub["finish"]>[3]);
      expect((await stub.status(config)).leases).toEqual([]);
    }
    expect(await stub.admit("full", "waiting", 60_000)).toEqual({ ok: true, probe: false });
  });

  it("does not free another holder's lease when a straggler finishes", async () => {
    const { stub, config } = freshGuard("straggler");
    await stub.admit("full", "owner", 60_000);
    await stub.finish(config, "full", "straggler", { kind: "neutral" });
    expect((await stub.status(config)).leases).toMatchObject([{ holder: "owner" }]);
  });
});

describe("IntegrationGuard: webhook dedupe", () => {
  it("says 'first' exactly once for concurrent sightings of one id", async () => {
    const { stub, config } = freshGuard("dedupe");
    const results = await Promise.all(Array.from({ length: 20 }, () => stub.firstSighting(config, "evt-1")));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stub.firstSighting(config, "evt-1")).toBe(false);
    expect(await stub.firstSighting(config, "evt-2")).toBe(true);
    expect((await stub.status(config)).seenWebhookIds).toBe(2);
  });

  it("treats an id whose retention has passed as new again", async () => {
    const { stub, config } = freshGuard("dedupe-expired");
    expect(await stub.firstSighting(config, "evt-old")).toBe(true);
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE seen_events SET expires_at = ? WHERE event_id = 'evt-old'", Date.now() - 1);
    });
    expect(await stub.firstSighting(config, "evt-old")).toBe(true);
    expect(await stub.firstSighting(config, "evt-old")).toBe(false);
  });

  it("remembers an id for the configured retention", async () => {
    const { stub, config } = freshGuard("dedupe-ttl", { webhookDedupeHours: 100 });
    const before = Date.now();
    await stub.firstSighting(config, "evt-ttl");
    const expiresAt = await runInDurableObject(
      stub,
      (_instance, state) =>
        state.storage.sql
          .exec<{ at: number }>("SELECT expires_at AS at FROM seen_events WHERE event_id = 'evt-ttl'")
          .one().at,
    );
    expect(expiresAt).toBeGreaterThanOrEqual(before + 100 * 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 100 * 3_600_000);
  });

  it("schedules its alarm after a sighting, and the alarm deletes the expired ids only", async () => {
    const { stub, config } = freshGuard("sweep");
    expect(await storedAlarm(stub)).toBeNull();
    await stub.firstSighting(config, "evt-a");
    await stub.firstSighting(config, "evt-b");
    await stub.firstSighting(config, "evt-c");
    expect(await storedAlarm(stub)).toEqual(expect.any(Number));
    expect((await stub.status(config)).seenWebhookIds).toBe(3);

    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE seen_events SET expires_at = ? WHERE event_id IN ('evt-a', 'evt-b')",
        Date.now() - 1,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status(config)).seenWebhookIds).toBe(1);
    expect(await stub.firstSighting(config, "evt-c")).toBe(false);
    // The alarm comes back for what is still stored.
    expect(await storedAlarm(stub)).toEqual(expect.any(Number));
  });
});

describe("IntegrationGuard: the rate limit", () => {
  it("grants `requests` calls at once, then spaces the next by 1/rate", async () => {
    const { stub, config } = freshGuard("rate", { rateLimitRequests: 2, rateLimitPer: "second" });
    expect(await stub.reserveCall(config, 10_000)).toEqual({ granted: true, waitMs: 0 });
    expect(await stub.reserveCall(config, 10_000)).toEqual({ granted: true, waitMs: 0 });
    const third = await stub.reserveCall(config, 10_000);
    expect(third.granted).toBe(true);
    expect(third.waitMs).toBeGreaterThan(400);
    expect(third.waitMs).toBeLessThanOrEqual(500);
    expect((await stub.status(config)).rateLimit).toMatchObject({ requests: 2, perMs: 1000, tokens: 0 });
  });

  it("refuses a reservation that would wait past maxWait, taking no slot", async () => {
    const { stub, config } = freshGuard("rate-refuse", { rateLimitRequests: 1, rateLimitPer: "minute" });
    expect(await stub.reserveCall(config, 10_000)).toEqual({ granted: true, waitMs: 0 });
    const refused = await stub.reserveCall(config, 10_000);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(59_000);
    expect((await stub.reserveCall(config, 120_000)).waitMs).toBeLessThanOrEqual(60_000);
  });

  it("shows the tokens refilled since the last reservation as available", async () => {
    const { stub, config } = freshGuard("rate-refill", { rateLimitRequests: 20, rateLimitPer: "second" });
    for (let i = 0; i < 20; i++) await stub.reserveCall(config, 10_000);
    await pause(300);
    // 300 ms at 20/s is 6 calls; the next reservation indeed goes out at once.
    expect((await stub.status(config)).rateLimit.tokens).toBeGreaterThanOrEqual(5);
    expect(await stub.reserveCall(config, 10_000)).toEqual({ granted: true, waitMs: 0 });
  });

  it("holds every call back during a Retry-After pause, and refuses those that would wait too long", async () => {
    const { stub, config } = freshGuard("pause", { rateLimitRequests: 10 });
    const until = Date.now() + 10_000;
    await stub.pauseCalls(config, until);
    const refused = await stub.reserveCall(config, 1000);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(9000);
    expect((await stub.status(config)).rateLimit).toMatchObject({ pausedUntil: until, tokens: 10 });
    const waiting = await stub.reserveCall(config, 20_000);
    expect(waiting).toMatchObject({ granted: true });
    expect(waiting.waitMs).toBeGreaterThan(9000);
  });

  it("never shortens a pause", async () => {
    const { stub, config } = freshGuard("pause-longer");
    const long = Date.now() + 30_000;
    await stub.pauseCalls(config, long);
    await stub.pauseCalls(config, Date.now() + 1000);
    expect((await stub.status(config)).rateLimit.pausedUntil).toBe(long);
  });
});

describe("IntegrationGuard: the interactive budget", () => {
  const budgets = {
    rateLimitRequests: 5,
    rateLimitPer: "minute",
    interactiveRateLimitRequests: 2,
    interactiveRateLimitPer: "minute",
  };

  it("spends previews and tests from their own bucket and never from the syncs'", async () => {
    const { stub, config } = freshGuard("interactive", budgets);
    expect(await stub.reserveCall(config, 0, "interactive")).toEqual({ granted: true, waitMs: 0 });
    expect(await stub.reserveCall(config, 0, "interactive")).toEqual({ granted: true, waitMs: 0 });
    const refused = await stub.reserveCall(config, 3000, "interactive");
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(25_000);
    const status = await stub.status(config);
    expect(status.interactiveRateLimit).toMatchObject({ requests: 2, perMs: 60_000, tokens: 0 });
    expect(status.rateLimit).toMatchObject({ requests: 5, perMs: 60_000, tokens: 5 });
    // The syncs still have their whole burst, at once.
    for (let i = 0; i < 5; i++) expect(await stub.reserveCall(config, 0, "sync")).toEqual({ granted: true, waitMs: 0 });
  });

  it("does not let spent syncs hold back a preview", async () => {
    const { stub, config } = freshGuard("interactive-free", budgets);
    for (let i = 0; i < 5; i++) await stub.reserveCall(config, 10_000);
    expect((await stub.reserveCall(config, 10_000)).granted).toBe(false);
    expect(await stub.reserveCall(config, 0, "interactive")).toEqual({ granted: true, waitMs: 0 });
  });

  it("holds both budgets during a Retry-After pause, and lifts both on reset", async () => {
    const { stub, config } = freshGuard("interactive-pause", budgets);
    const until = Date.now() + 20_000;
    await stub.pauseCalls(config, until);
    const status = await stub.status(config);
    expect(status.rateLimit.pausedUntil).toBe(until);
    expect(status.interactiveRateLimit.pausedUntil).toBe(until);
    expect((await stub.reserveCall(config, 3000, "interactive")).granted).toBe(false);
    expect((await stub.reserveCall(config, 10_000, "sync")).granted).toBe(false);
    await stub.reset(config);
    expect(await stub.reserveCall(config, 0, "interactive")).toEqual({ granted: true, waitMs: 0 });
    expect(await stub.reserveCall(config, 0, "sync")).toEqual({ granted: true, waitMs: 0 });
  });

  it("keeps each bucket in its own row across an eviction", async () => {
    const { stub, config } = freshGuard("interactive-evict", budgets);
    await stub.reserveCall(config, 0, "interactive");
    await stub.reserveCall(config, 0, "sync");
    await stub.reserveCall(config, 0, "sync");
    await evictDurableObject(stub);
    const status = await stub.status(config);
    expect(status.interactiveRateLimit.tokens).toBe(1);
    expect(status.rateLimit.tokens).toBe(3);
    const keys = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ key: string }>("SELECT key FROM guard_state WHERE key LIKE '%bucket' ORDER BY key")
        .toArray()
        .map((r) => r.key),
    );
    expect(keys).toEqual(["bucket", "interactive_bucket"]);
  });
});

describe("IntegrationGuard: reset, ping and isolation", () => {
  it("reset closes an open circuit and lifts the pause", async () => {
    const { stub, config } = freshGuard("reset");
    await open(stub, config);
    await stub.pauseCalls(config, Date.now() + 60_000);
    const { wasOpen, circuit } = await stub.reset(config);
    expect(wasOpen).toBe(true);
    expect(circuit).toMatchObject({ state: "closed", failures: 0, opens: 0, nextProbeAt: null });
    const status = await stub.status(config);
    expect(status.circuit.state).toBe("closed");
    expect(status.rateLimit.pausedUntil).toBeNull();
    expect(await stub.admit("full", "after-reset", 60_000)).toEqual({ ok: true, probe: false });
    expect(await stub.reserveCall(config, 0)).toEqual({ granted: true, waitMs: 0 });
    expect((await stub.reset(config)).wasOpen).toBe(false);
  });

  it("answers ping with its circuit state", async () => {
    const { stub, config } = freshGuard("ping");
    expect(await stub.ping()).toEqual({ ok: true, circuit: "closed" });
    await open(stub, config);
    expect(await stub.ping()).toEqual({ ok: true, circuit: "open" });
  });

  it("gives each integration its own object: one's state is never seen in another", async () => {
    const a = freshGuard("iso-a");
    const b = freshGuard("iso-b");
    await open(a.stub, a.config);
    await a.stub.admit("delta", "a-job", 60_000);
    await a.stub.firstSighting(a.config, "evt-shared");
    await a.stub.pauseCalls(a.config, Date.now() + 60_000);

    const status = await b.stub.status(b.config);
    expect(status.circuit).toMatchObject({ state: "closed", failures: 0 });
    expect(status.leases).toEqual([]);
    expect(status.seenWebhookIds).toBe(0);
    expect(status.rateLimit.pausedUntil).toBeNull();
    expect(await b.stub.admit("delta", "b-job", 60_000)).toEqual({ ok: true, probe: false });
    expect(await b.stub.firstSighting(b.config, "evt-shared")).toBe(true);
    expect((await a.stub.status(a.config)).circuit.state).toBe("open");
  });
});
