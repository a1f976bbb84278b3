import { failureOf } from "../failure/failure.ts";
import { GuardWait, type Waiting, waiting } from "../failure/wait.ts";
import type { GuardedFetch } from "../net/guarded-fetch.ts";
import { parseRetryAfter } from "../net/upstream-error.ts";
import type { PageOutcome } from "./circuit.ts";
import type { GuardConfig } from "./config.ts";
import type { IntegrationGuard } from "./integration-guard.ts";
import type { Budget } from "./rate-limit.ts";

/** How long a page's single-flight lease lasts if its holder dies without giving it back. */
export const LEASE_MS = 5 * 60_000;
/**
 * A call that would wait longer than this for a rate-limit slot is not made now: a job comes
 * back later; a person's request (a preview, a connection test) is answered 429 at once rather
 * than held open.
 */
export const MAX_CALL_WAIT_MS: Record<Budget, number> = { sync: 10_000, interactive: 3_000 };

/** The guard of one integration. */
export function guardOf(
  env: Pick<Env, "INTEGRATION_GUARD">,
  integrationId: string,
): DurableObjectStub<IntegrationGuard> {
  return env.INTEGRATION_GUARD.get(env.INTEGRATION_GUARD.idFromName(integrationId));
}

// The "not now" a throttled fetch throws (a fetch can only answer or throw), read as a wait by
// `failureOf`; exported here too, where connectors and their tests look for it.
export { GuardWait };

/**
 * `fetch` to a merchant's system under the integration's rate limit: each call reserves a slot
 * in `budget`'s token bucket (and waits for it, briefly), and a 429/503 with Retry-After pauses
 * every call of the integration, of both budgets, until then. No slot soon enough: GuardWait.
 */
export function throttled(
  env: Pick<Env, "INTEGRATION_GUARD">,
  config: GuardConfig,
  inner: GuardedFetch,
  budget: Budget,
): GuardedFetch {
  const guard = guardOf(env, config.integrationId);
  return async (url, init) => {
    const slot = await guard.reserveCall(config, MAX_CALL_WAIT_MS[budget], budget);
    if (!slot.granted) throw new GuardWait(Date.now() + slot.waitMs, "rate_limited");
    if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
    const response = await inner(url, init);
    if (response.status === 429 || response.status === 503) {
      const seconds = parseRetryAfter(response.headers.get("retry-after"));
      if (seconds !== undefined) await guard.pauseCalls(config, Date.now() + seconds * 1000);
    }
    return response;
  };
}

/** A guarded piece of work: done with its value, or not admitted now. */
export type Guarded<T> = { kind: "done"; value: T } | Waiting;

/**
 * Runs `work` under an integration's guard: admitted first (circuit closed or this job is the
 * probe, and the single-flight lease `lease` free — else it waits), its outcome reported after
 * (what counts against the circuit is `failureOf`'s to say), and the lease given back before
 * this returns. A rate-limit wait met inside `work`, or a transient failure that opened (or
 * re-opened) the circuit, is returned as a wait until the next slot or probe, so that an outage
 * of any length never uses up a job's retries; other failures are thrown as they are, for the
 * consumer to read.
 *
 * @example const guarded = await underGuard(env, guardConfig(integration), "products", holder, () => syncPage(...))
 */
export async function underGuard<T>(
  env: Pick<Env, "INTEGRATION_GUARD">,
  config: GuardConfig,
  lease: string,
  holder: string,
  work: () => Promise<T>,
): Promise<Guarded<T>> {
  const guard = guardOf(env, config.integrationId);
  const admission = await guard.admit(lease, holder, LEASE_MS);
  if (!admission.ok) return waiting(admission.retryAt, admission.reason);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    const failure = failureOf(error);
    const outcome: PageOutcome = failure.countsAgainstCircuit
      ? { kind: "failure", reason: failure.message }
      : { kind: "neutral" };
    const after = await guard.finish(config, lease, holder, outcome);
    if (failure.next.kind === "wait") return { ...failure.next, message: failure.message };
    const transient = failure.next.kind === "retry";
    if (outcome.kind === "failure" && transient && after.state === "open" && after.nextProbeAt !== null) {
      return waiting(after.nextProbeAt, "circuit_open", error);
    }
    throw error;
  }
  await guard.finish(config, lease, holder, { kind: "success" });
  return { kind: "done", value };
}
