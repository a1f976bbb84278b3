import type { Circuit, Transition } from "./circuit.ts";

// What the guard's Durable Object (integration-guard.ts) answers; callers import these from
// here rather than from the object's file.

/** Whether a page may run now: admitted (maybe as the half-open probe), or when to come back and why. */
export type Admission =
  | { ok: true; probe: boolean }
  | { ok: false; retryAt: number; reason: "circuit_open" | "probe_in_flight" | "lease_held" };

/** The circuit after a page reported its outcome. */
export interface Finished {
  transition: Transition;
  state: Circuit["state"];
  nextProbeAt: number | null;
}

/** One budget's token bucket, as of now. */
export interface BudgetStatus {
  requests: number;
  perMs: number;
  tokens: number;
  pausedUntil: number | null;
}

/** Everything the API shows about the guard of one integration. */
export interface GuardStatus {
  circuit: Circuit & { threshold: number };
  rateLimit: BudgetStatus;
  interactiveRateLimit: BudgetStatus;
  leases: { type: string; holder: string; expiresAt: number }[];
  seenWebhookIds: number;
  /** Incoming webhook events taken and not yet written to D1 (written in batches moments later). */
  heldWebhookEvents: number;
}
