import type { Config } from "../config.ts";
import { batchIdempotencyKey, chunk, pushBatch } from "../platform/client.ts";
import type { Candidate } from "./delta.ts";

export interface PushResult {
  accepted: Candidate[];
  rejected: { candidate: Candidate; reason: string }[];
  requests: number;
}

/** All of it pushed, or part of it: `done` is what the platform accepted before `error` stopped the push. */
export type PushOutcome =
  | { kind: "pushed"; pushed: PushResult }
  | { kind: "partial"; done: PushResult; error: unknown };

/**
 * Pushes changed records to the platform in batches of PLATFORM_BATCH_SIZE, each with an
 * idempotency key derived from the run and the batch's content: a redelivered page sends the
 * same keys, and the platform answers from its store instead of applying the change twice.
 * If a batch fails, the push stops there and says so (`partial`), with what was already accepted,
 * so the caller can record that before the page is retried.
 */
export async function pushChanged(
  config: Config,
  runId: string,
  merchantId: string,
  changed: readonly Candidate[],
): Promise<PushOutcome> {
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
        return { kind: "partial", done: result, error };
      }
    }
  }
  return { kind: "pushed", pushed: result };
}
