import { DurableObject } from "cloudflare:workers";
import { type HeldEvent, writeHeldEvents } from "../inbound/held.ts";
import { createLogger, parseLogLevel } from "../observability/logger.ts";
import { type Circuit, closedCircuit, type PageOutcome, permit, record } from "./circuit.ts";
import type { GuardConfig } from "./config.ts";
import { recordCircuitTransition } from "./events.ts";
import { HeldEvents } from "./held-events.ts";
import { BUDGETS, type Budget, pauseAll, refill, reserveIn } from "./rate-limit.ts";
import { GuardStorage } from "./storage.ts";
import type { Admission, BudgetStatus, Finished, GuardStatus } from "./types.ts";

/** Expired webhook ids deleted per alarm; the alarm comes back soon while more are due. */
const SWEEP_BATCH = 1000;
/**
 * How long a taken webhook event waits for others before they go to D1 together: a sender's
 * burst becomes a few batched writes instead of one per event, for a delay that is nothing
 * beside the queue's.
 */
const HOLD_MS = 50;
/** Held events written per D1 batch (and about this many characters of their bodies). */
const HELD_BATCH = 100;
const HELD_BATCH_CHARS = 2_000_000;
/** After a failed write to D1, the next try waits 1 s, 2 s, 4 s… up to a minute. */
const HELD_RETRY_CAP_MS = 60_000;

/**
 * One per integration (`idFromName(integrationId)`), so that one merchant's failing ERP never
 * affects another's. It keeps, in its SQLite storage, the integration's circuit breaker, the
 * token buckets for calls to its system (one for syncs and orders, one for previews and
 * connection tests), the single-flight leases of its syncs and the ids of webhooks it has
 * seen. Calls are serialised by the runtime, which is what makes leases, reservations and
 * "seen" exact under concurrency. Every method takes the integration's current guard
 * settings, so a settings change applies at once.
 */
export class IntegrationGuard extends DurableObject<Env> {
  private store!: GuardStorage;
  private held!: HeldEvents;
  private circuit!: Circuit;
  /** When the held events are next written to D1 (null: none held); failed writes in a row. */
  private heldDueAt: number | null = null;
  private heldFailures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.store = new GuardStorage(ctx.storage.sql);
      this.circuit = this.store.loadCircuit();
      this.held = new HeldEvents(ctx.storage.sql);
      if (this.held.count() > 0) this.heldDueAt = Date.now();
    });
  }

  /** May a page of a `type` sync run now? Takes the type's lease and, when half-open, the probe. */
  async admit(type: string, holder: string, leaseMs: number): Promise<Admission> {
    const now = Date.now();
    const lease = this.store.acquireLease(type, holder, now + leaseMs, now);
    if (!lease.granted) return { ok: false, retryAt: lease.retryAt, reason: "lease_held" };
    const wasOpen = this.circuit.state === "open";
    const verdict = permit(this.circuit, holder, now);
    this.store.save("circuit", this.circuit);
    if (!verdict.ok) {
      this.store.releaseLease(type, holder);
      return { ok: false, retryAt: verdict.retryAt, reason: wasOpen ? "circuit_open" : "probe_in_flight" };
    }
    await this.scheduleAlarm();
    return verdict;
  }

  /** The page is over: record its outcome in the circuit and give the lease back. */
  async finish(config: GuardConfig, type: string, holder: string, outcome: PageOutcome): Promise<Finished> {
    const transition = record(this.circuit, outcome, holder, config.circuit, Date.now());
    this.store.save("circuit", this.circuit);
    this.store.releaseLease(type, holder);
    if (transition) await recordCircuitTransition(this.env, config, transition, this.circuit);
    await this.scheduleAlarm();
    return { transition, state: this.circuit.state, nextProbeAt: this.circuit.nextProbeAt };
  }

  /**
   * Reserves one call to the merchant's system in `budget` (syncs and orders, or previews and
   * connection tests); waits longer than `maxWaitMs` are not taken. Only that budget's bucket
   * is touched.
   */
  async reserveCall(
    config: GuardConfig,
    maxWaitMs: number,
    budget: Budget = "sync",
  ): Promise<{ granted: boolean; waitMs: number }> {
    const now = Date.now();
    const buckets = this.store.loadBuckets(config.rates, now);
    const result = reserveIn(buckets, budget, config.rates, now, maxWaitMs);
    this.store.saveBuckets(buckets, [budget]);
    return result;
  }

  /** The merchant's system answered 429/503 with Retry-After: no calls of either budget until `until`. */
  async pauseCalls(config: GuardConfig, until: number): Promise<void> {
    const buckets = this.store.loadBuckets(config.rates, Date.now());
    pauseAll(buckets, until);
    this.store.saveBuckets(buckets);
  }

  /** True the first time a webhook event id is seen within its retention; false for duplicates. */
  async firstSighting(config: GuardConfig, eventId: string): Promise<boolean> {
    return (await this.sight(config, eventId, null)) === null;
  }

  /**
   * Dedupe of incoming webhooks: null the first time `eventId` is seen within its retention
   * (remembering `ref`, the gateway's id for the event), else the first sighting's ref.
   * Serialised by the runtime, so of concurrent deliveries exactly one is first.
   */
  async sight(config: GuardConfig, eventId: string, ref: string | null): Promise<string | null> {
    const now = Date.now();
    const first = this.store.markSeen(eventId, now + config.dedupeTtlMs, now, ref);
    await this.scheduleAlarm();
    return first;
  }

  /**
   * Takes an incoming webhook event: deduplicates its id and, the first time, holds the event
   * in this object's storage, in one call and one transaction — the sender's answer waits on
   * nothing else. The alarm writes held events to D1 and queues them, in batches.
   */
  async receive(
    config: GuardConfig,
    event: HeldEvent,
  ): Promise<{ first: true } | { first: false; ref: string; counted: boolean }> {
    const now = Date.now();
    const first = this.store.markSeen(event.externalId, now + config.dedupeTtlMs, now, event.id);
    if (first !== null) {
      // A duplicate of an event still held is counted here; the receiver counts those in D1.
      return { first: false, ref: first, counted: first !== "" && this.held.countDuplicate(first, now) };
    }
    this.held.hold(event.id, JSON.stringify(event), now);
    // While events are held an alarm is set no later than their write, and the id's expiry
    // (72 h away) is later still: only the first event of a batch needs to look at the alarm.
    if (this.heldDueAt !== null) return { first: true };
    this.heldDueAt = now + HOLD_MS;
    await this.scheduleAlarm();
    return { first: true };
  }

  /** Undoes a sighting whose event could not be stored, so the sender's retry is taken. */
  async forget(eventId: string, ref: string): Promise<void> {
    this.store.forget(eventId, ref);
  }

  /**
   * A lease without the circuit: incoming events of an integration are applied one at a time,
   * so that of two changes to one item the older can never land after the newer.
   */
  async hold(type: string, holder: string, leaseMs: number): Promise<Admission> {
    const now = Date.now();
    const lease = this.store.acquireLease(type, holder, now + leaseMs, now);
    if (!lease.granted) return { ok: false, retryAt: lease.retryAt, reason: "lease_held" };
    await this.scheduleAlarm();
    return { ok: true, probe: false };
  }

  async release(type: string, holder: string): Promise<void> {
    this.store.releaseLease(type, holder);
  }

  /** Everything the API shows about the guard. */
  async status(config: GuardConfig): Promise<GuardStatus> {
    const now = Date.now();
    const buckets = this.store.loadBuckets(config.rates, now);
    // Shown as of now; the stored buckets need no write.
    const view = (budget: Budget): BudgetStatus => {
      const bucket = buckets[budget];
      const rate = config.rates[budget];
      refill(bucket, rate, now);
      return {
        requests: rate.requests,
        perMs: rate.perMs,
        tokens: Math.max(0, Math.floor(bucket.tokens)),
        pausedUntil: bucket.pausedUntil > now ? bucket.pausedUntil : null,
      };
    };
    return {
      circuit: { ...this.circuit, threshold: config.circuit.failureThreshold },
      rateLimit: view("sync"),
      interactiveRateLimit: view("interactive"),
      leases: this.store.leases(now),
      seenWebhookIds: this.store.seenCount(),
      heldWebhookEvents: this.held.count(),
    };
  }

  /** An operator's reset: closed, no failures, no pause. Returns whether it was open before. */
  async reset(config: GuardConfig): Promise<{ wasOpen: boolean; circuit: Circuit }> {
    const wasOpen = this.circuit.state !== "closed";
    this.circuit = closedCircuit();
    this.store.save("circuit", this.circuit);
    const buckets = this.store.loadBuckets(config.rates, Date.now());
    for (const budget of BUDGETS) buckets[budget].pausedUntil = 0;
    this.store.saveBuckets(buckets);
    return { wasOpen, circuit: this.circuit };
  }

  /** Liveness for the system health check: the object runs and its storage answers. */
  async ping(): Promise<{ ok: true; circuit: Circuit["state"] }> {
    return { ok: true, circuit: this.circuit.state };
  }

  /**
   * Writes held webhook events to D1, moves an open circuit to half-open when its cool-down
   * ends, and sweeps expired rows.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    if (this.heldDueAt !== null && this.heldDueAt <= now) await this.writeHeld(now);
    if (this.circuit.state === "open" && (this.circuit.nextProbeAt ?? 0) <= now) {
      this.circuit.state = "half_open";
      this.circuit.probe = null;
      this.store.save("circuit", this.circuit);
    }
    this.store.sweep(now, SWEEP_BATCH);
    await this.scheduleAlarm(now + 1000);
  }

  /** One batch of held events to D1; on failure they stay held and the next try backs off. */
  private async writeHeld(now: number): Promise<void> {
    const log = createLogger(parseLogLevel(this.env.LOG_LEVEL), { component: "guard" });
    const batch = this.held.oldest(HELD_BATCH, HELD_BATCH_CHARS);
    try {
      if (batch.length > 0) await writeHeldEvents(this.env, batch, log);
      this.held.release(batch.map((row) => row.id));
      this.heldFailures = 0;
      this.heldDueAt = this.held.count() > 0 ? now : null;
    } catch (error) {
      this.heldFailures++;
      this.heldDueAt = now + Math.min(HELD_RETRY_CAP_MS, 1000 * 2 ** (this.heldFailures - 1));
      log.error("held webhook events not written; kept for the next try", {
        events: batch.length,
        retryInMs: this.heldDueAt - now,
        error: String(error),
      });
    }
  }

  /**
   * The alarm fires at the next moment something is due: held events to write, a probe time or
   * an expiry (those two not before `notBefore`, so that a sweep comes at most once a second).
   */
  private async scheduleAlarm(notBefore = Date.now()): Promise<void> {
    const due = [this.circuit.state === "open" ? this.circuit.nextProbeAt : null, this.store.nextExpiry()].filter(
      (t): t is number => t !== null,
    );
    const later = due.length === 0 ? null : Math.max(notBefore, Math.min(...due));
    const at = this.heldDueAt === null ? later : Math.min(this.heldDueAt, later ?? this.heldDueAt);
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }
}
