import { DurableObject } from "cloudflare:workers";
import { type Circuit, closedCircuit, type PageOutcome, permit, record } from "./circuit.ts";
import type { GuardConfig } from "./config.ts";
import { recordCircuitTransition } from "./events.ts";
import { BUDGETS, type Budget, pauseAll, refill, reserveIn } from "./rate-limit.ts";
import { GuardStorage } from "./storage.ts";
import type { Admission, BudgetStatus, Finished, GuardStatus } from "./types.ts";

/** Expired webhook ids deleted per alarm; the alarm comes back soon while more are due. */
const SWEEP_BATCH = 1000;

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
  private circuit!: Circuit;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.store = new GuardStorage(ctx.storage.sql);
      this.circuit = this.store.loadCircuit();
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

  /** Moves an open circuit to half-open when its cool-down ends, and sweeps expired rows. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    if (this.circuit.state === "open" && (this.circuit.nextProbeAt ?? 0) <= now) {
      this.circuit.state = "half_open";
      this.circuit.probe = null;
      this.store.save("circuit", this.circuit);
    }
    this.store.sweep(now, SWEEP_BATCH);
    await this.scheduleAlarm(now + 1000);
  }

  /** The alarm fires at the next moment something is due: a probe time or an expiry. */
  private async scheduleAlarm(notBefore = Date.now()): Promise<void> {
    const due = [this.circuit.state === "open" ? this.circuit.nextProbeAt : null, this.store.nextExpiry()].filter(
      (t): t is number => t !== null,
    );
    if (due.length === 0) return;
    const at = Math.max(notBefore, Math.min(...due));
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }
}
