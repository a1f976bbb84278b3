import type { Db } from "../db/client.ts";

/** Freshness percentiles over a window, as src/metrics/freshness.ts computes them. */
export type FreshnessPercentiles = (
  db: Db,
  scope: { integrationId?: string; merchantId?: string },
  fromMs: number,
  toMs: number,
) => Promise<{ p50Seconds: number | null; p95Seconds: number | null; samples: number }>;

/**
 * The freshness the cron's alert rules read. MERGE POINT: until the metrics module is merged this
 * has no samples (the `freshness` rule then never holds); after it, this line becomes
 * `export { freshnessPercentiles as freshnessSource } from "../metrics/freshness.ts";`.
 */
export const freshnessSource: FreshnessPercentiles = async () => ({ p50Seconds: null, p95Seconds: null, samples: 0 });
