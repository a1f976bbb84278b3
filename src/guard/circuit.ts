/**
 * The circuit breaker of one integration, as a pure state machine (the Durable Object stores
 * it and supplies the time):
 *
 *   closed ──(threshold consecutive failures)──▶ open ──(cool-down elapsed)──▶ half-open
 *      ▲                                          ▲                              │ one probe
 *      └──────────────── probe succeeds ──────────┴──────── probe fails ─────────┘
 *
 * Each re-open doubles the cool-down (capped); a successful probe resets it.
 */
export type CircuitState = "closed" | "open" | "half_open";

export interface Circuit {
  state: CircuitState;
  /** Consecutive failures while closed. */
  failures: number;
  /** Times opened since it was last closed by a success; drives the cool-down. */
  opens: number;
  openedAt: number | null;
  nextProbeAt: number | null;
  /** The job holding the single half-open probe, and since when. */
  probe: { holder: string; since: number } | null;
  lastFailure: string | null;
}

export interface CircuitSettings {
  failureThreshold: number;
  cooldownMs: number;
  maxCooldownMs: number;
}

/** A probe that has not reported back in this long is presumed dead; the next job probes. */
export const PROBE_TIMEOUT_MS = 2 * 60_000;

export const closedCircuit = (): Circuit => ({
  state: "closed",
  failures: 0,
  opens: 0,
  openedAt: null,
  nextProbeAt: null,
  probe: null,
  lastFailure: null,
});

export type Transition = "opened" | "closed" | null;

/** How a page went, for the circuit: failures that say something about the ERP, or not. */
export type PageOutcome = { kind: "success" } | { kind: "failure"; reason: string } | { kind: "neutral" };

/**
 * Whether a job may call out now. While open it is told when to come back; once the cool-down
 * is over, the first caller becomes the half-open probe and everyone else waits for its verdict.
 */
export function permit(
  c: Circuit,
  holder: string,
  now: number,
): { ok: true; probe: boolean } | { ok: false; retryAt: number } {
  if (c.state === "closed") return { ok: true, probe: false };
  if (c.state === "open") {
    if (now < (c.nextProbeAt ?? 0)) return { ok: false, retryAt: c.nextProbeAt ?? now };
    c.state = "half_open";
    c.probe = null;
  }
  if (c.probe && c.probe.holder !== holder && now - c.probe.since < PROBE_TIMEOUT_MS) {
    return { ok: false, retryAt: c.probe.since + PROBE_TIMEOUT_MS };
  }
  c.probe = { holder, since: now };
  return { ok: true, probe: true };
}

/** Records how a call went. `neutral` outcomes (a bad record, our own bug) say nothing about the ERP. */
export function record(
  c: Circuit,
  outcome: PageOutcome,
  holder: string,
  settings: CircuitSettings,
  now: number,
): Transition {
  if (outcome.kind === "neutral") {
    if (c.probe?.holder === holder) c.probe = null; // let another job probe
    return null;
  }
  if (outcome.kind === "success") {
    const wasOpen = c.state !== "closed";
    // A late success from a job that started before the circuit opened does not close it.
    if (wasOpen && c.probe?.holder !== holder) return null;
    Object.assign(c, closedCircuit());
    return wasOpen ? "closed" : null;
  }
  c.lastFailure = outcome.reason.slice(0, 500);
  if (c.state === "closed") {
    c.failures++;
    if (c.failures < settings.failureThreshold) return null;
  } else if (c.state === "open" || c.probe?.holder !== holder) {
    return null; // already open, or a straggler's failure while another job probes
  }
  c.state = "open";
  c.opens++;
  c.openedAt = now;
  c.nextProbeAt = now + cooldown(c.opens, settings);
  c.probe = null;
  return "opened";
}

/** base · 2^(opens−1), capped. */
export function cooldown(opens: number, settings: CircuitSettings): number {
  return Math.min(settings.maxCooldownMs, settings.cooldownMs * 2 ** Math.max(0, opens - 1));
}
