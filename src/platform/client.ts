import { canonicalJson, sha256Hex } from "../crypto/hash.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import { errorDetail, type PushOutcome, readOutcome, redact } from "./answer.ts";
import type { Entity, PlatformRecord } from "./records.ts";

/**
 * The gateway's client of the platform's batch API (the contract is written out at the top of
 * simulators/platform/app.ts). Every failure is an `UpstreamError("platform", …)` whose
 * `retryable` tells the queue consumer whether to try again later.
 */

/** Where the platform is and how to authenticate; `Config.platform` has the same shape. */
export interface PlatformTarget {
  baseUrl: string;
  token: string;
}

export interface PushOptions {
  /** Stands in for the global fetch (tests, instrumentation). */
  fetch?: typeof fetch;
  /** Gives up on the whole exchange, body included, after this long. Default 30 000. */
  timeoutMs?: number;
}

/** Most records the platform takes in one batch. */
export const MAX_BATCH_SIZE = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The platform target from `PLATFORM_API_URL` (a trailing slash is tolerated) and `PLATFORM_API_TOKEN`.
 *
 * @example pushBatch(platformTarget(env), merchantId, "prices", records, key)
 */
export function platformTarget(env: Pick<Env, "PLATFORM_API_URL" | "PLATFORM_API_TOKEN">): PlatformTarget {
  return { baseUrl: env.PLATFORM_API_URL.replace(/\/+$/, ""), token: env.PLATFORM_API_TOKEN };
}

/**
 * Sends one batch of at most {@link MAX_BATCH_SIZE} records of one entity. Records the platform
 * refuses come back in `rejected`; they do not make the call fail.
 *
 * @throws UpstreamError retryable on network errors, timeouts, 408, 425, 429 and 5xx (with
 *   `retryAfterSeconds` when the platform said); permanent on other 4xx (422: the key was used
 *   with other records) and on a 200 that does not answer each record.
 * @example
 * const key = await batchIdempotencyKey(runId, "inventory", records);
 * const { accepted, rejected } = await pushBatch(target, merchantId, "inventory", records, key);
 */
export async function pushBatch(
  target: PlatformTarget,
  merchantId: string,
  entity: Entity,
  records: readonly PlatformRecord[],
  idempotencyKey: string,
  options: PushOptions = {},
): Promise<PushOutcome> {
  if (records.length === 0) return { accepted: [], rejected: [], replayed: false };
  if (records.length > MAX_BATCH_SIZE) {
    throw new RangeError(`a platform batch holds at most ${MAX_BATCH_SIZE} records, got ${records.length}`);
  }
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = `${target.baseUrl}/v1/merchants/${encodeURIComponent(merchantId)}/${encodeURIComponent(entity)}/batch`;
  const what = `platform ${entity} batch`;

  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${target.token}`,
        "Idempotency-Key": idempotencyKey,
        "Content-Type": "application/json",
      },
      // Canonical, so a redelivered job sends byte-identical requests.
      body: canonicalJson({ items: records }),
      // A redirect would carry the bearer token somewhere else; treat it as a failure instead.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read inside the try: the timeout also covers a body that stalls half way.
    text = await response.text();
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
    const message = timedOut ? `${what} did not answer within ${timeoutMs} ms` : `${what} could not be reached`;
    throw new UpstreamError("platform", message, { retryable: true, cause });
  }

  if (!response.ok) {
    throw UpstreamError.fromResponse("platform", response, what, redact(errorDetail(text), target.token));
  }
  return readOutcome(text, records, what, response.status);
}

/**
 * `${runId}:${entity}:<first 32 hex of sha256(canonicalJson(records))>` — the same change in the
 * same run always gets the same key, so a redelivered job is deduplicated by the platform.
 */
export async function batchIdempotencyKey(
  runId: string,
  entity: Entity,
  records: readonly PlatformRecord[],
): Promise<string> {
  const hash = await sha256Hex(canonicalJson(records));
  return `${runId}:${entity}:${hash.slice(0, 32)}`;
}

/** Splits into batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
