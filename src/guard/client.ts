import type { GuardedFetch } from "../net/guarded-fetch.ts";
import { parseRetryAfter, UpstreamError } from "../net/upstream-error.ts";
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

/**
 * The guard says "not now": the circuit is open, another job is probing or holds the lease, or
 * the rate limit is exhausted. Not a failure: the job is put back until `retryAt` without
 * using up one of its retries.
 */
export class GuardWait extends Error {
  override name = "GuardWait";
  readonly retryAt: number;
  readonly reason: string;
  constructor(retryAt: number, reason: string, options: { cause?: unknown } = {}) {
    const because = options.cause instanceof Error ? ` after: ${options.cause.message}` : "";
    super(`waiting (${reason.replace(/_/g, " ")}) until ${new Date(retryAt).toISOString()}${because}`, options);
    this.retryAt = retryAt;
    this.reason = reason;
  }
}

/**
 * `fetch` to a merchant's system under the integration's rate limit: each call reserves a slot
 * in `budget`'s token bucket (and waits for it, briefly), and a 429/503 with Retry-After pauses
 * every call of the integration, of both budgets, until then.
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

/**
 * What a failed page says about the integration's systems: network errors, timeouts, 5xx and
 * refused credentials count against the circuit; throttling (429), a bad record or our own bug
 * do not.
 */
export function circuitOutcome(error: unknown): PageOutcome {
  const upstream =
    error instanceof UpstreamError
      ? error
      : error instanceof Error && error.cause instanceof UpstreamError
        ? error.cause
        : null;
  if (!upstream) return { kind: "neutral" };
  const { status } = upstream;
  const counts =
    status === undefined ? upstream.retryable : status >= 500 || status === 401 || status === 403 || status === 408;
  return counts ? { kind: "failure", reason: upstream.message } : { kind: "neutral" };
}

/**
 * Runs `work` under an integration's guard: admitted first (circuit closed or this job is the
 * probe, and the single-flight lease `lease` free — else a GuardWait), its outcome reported
 * after, and the lease given back before this returns. A transient failure that opened (or
 * re-opened) the circuit becomes a GuardWait until the next probe, so that an outage of any
 * length never uses up a job's retries; permanent failures are thrown as they are.
 *
 * @example const next = await underGuard(env, guardConfig(integration), "products", holder, () => syncPage(...))
 */
export async function underGuard<T>(
  env: Pick<Env, "INTEGRATION_GUARD">,
  config: GuardConfig,
  lease: string,
  holder: string,
  work: () => Promise<T>,
): Promise<T> {
  const guard = guardOf(env, config.integrationId);
  const admission = await guard.admit(lease, holder, LEASE_MS);
  if (!admission.ok) throw new GuardWait(admission.retryAt, admission.reason);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const outcome = circuitOutcome(error);
    const after = await guard.finish(config, lease, holder, outcome);
    const transient = !(error instanceof UpstreamError) || error.retryable;
    if (outcome.kind === "failure" && transient && after.state === "open" && after.nextProbeAt !== null) {
      throw new GuardWait(after.nextProbeAt, "circuit_open", { cause: error });
    }
    throw error;
  }
  await guard.finish(config, lease, holder, { kind: "success" });
  return result;
}
