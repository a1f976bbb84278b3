import { fileURLToPath } from "node:url";
import { unstable_readConfig } from "wrangler";

interface ConsumerConfig {
  queue: string;
  max_batch_size?: number;
  max_retries?: number;
  dead_letter_queue?: string;
}

/**
 * The queue consumers of wrangler.toml (batch size, retries, dead-letter queue) in Miniflare's
 * shape, delivering without the production batching wait, for the tests and the benchmark.
 * Overriding one field in Miniflare replaces the whole consumer, hence the full copy.
 */
export function fastQueueConsumers() {
  const { queues } = readWranglerToml();
  return Object.fromEntries(
    (queues.consumers ?? []).map((c: ConsumerConfig) => [
      c.queue,
      {
        maxBatchSize: c.max_batch_size,
        maxBatchTimeout: 0.01,
        maxRetries: c.max_retries,
        ...(c.dead_letter_queue ? { deadLetterQueue: c.dead_letter_queue } : {}),
      },
    ]),
  );
}

/** The cron expressions of wrangler.toml `[triggers]`. */
export function declaredCrons(): string[] {
  return readWranglerToml().triggers.crons ?? [];
}

function readWranglerToml() {
  return unstable_readConfig({ config: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) });
}

/** The [[ratelimits]] bindings of wrangler.toml: name, limit and period (seconds). */
export function declaredRateLimits(): { name: string; limit: number; period: number }[] {
  return (readWranglerToml().ratelimits ?? []).map(
    (r: { name: string; simple: { limit: number; period: number } }) => ({
      name: r.name,
      limit: r.simple.limit,
      period: r.simple.period,
    }),
  );
}
