import type { Config } from "../config.ts";
import { UpstreamError } from "../net/upstream-error.ts";
import { batchIdempotencyKey, chunk, pushBatch } from "../platform/client.ts";
import type { Candidate } from "./delta.ts";

export interface PushResult {
  accepted: Candidate[];
  rejected: { candidate: Candidate; reason: string }[];
  requests: number;
}

/**
 * Pushes changed records to the platform in batches of PLATFORM_BATCH_SIZE, each with an
 * idempotency key derived from the run and the batch's content: a redelivered page sends the
 * same keys, and the platform answers from its store instead of applying the change twice.
 * If a batch fails, what was already accepted travels with the error (`PartialPushError`), so
 * the caller can record it before the page is retried.
 */
export async function pushChanged(config: Config, runId: string, merchantId: string, changed: readonly Candidate[]) {
  const result: PushResult = { accepted: [], rejected: [], requests: 0 };
  const byEntity = Map.groupBy(changed, (c) => c.entity);
  for (const [entity, candidates] of byEntity) {
    for (const batch of chunk(candidates, config.platform.batchSize)) {
      const records = batch.map((c) => c.record);
      result.requests++;
      try {
        const outcome = await pushBatch(
          config.platform,
          merchantId,
          entity,
          records,
          await batchIdempotencyKey(runId, entity, records),
        );
        const accepted = new Set(outcome.accepted);
        const reasons = new Map(outcome.rejected.map((r) => [r.key, r.reason]));
        for (const c of batch) {
          if (accepted.has(c.key)) result.accepted.push(c);
          else result.rejected.push({ candidate: c, reason: reasons.get(c.key) ?? "rejected by the platform" });
        }
      } catch (error) {
        throw new PartialPushError(error, result);
      }
    }
  }
  return result;
}

/** A push that failed part-way; `done` holds what the platform accepted before the failure. */
export class PartialPushError extends Error {
  override name = "PartialPushError";
  readonly done: PushResult;
  constructor(cause: unknown, done: PushResult) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.done = done;
  }
  /** The upstream failure underneath, for deciding whether to retry. */
  get upstream(): UpstreamError | undefined {
    return this.cause instanceof UpstreamError ? this.cause : undefined;
  }
}
